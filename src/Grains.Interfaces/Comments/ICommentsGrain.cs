namespace HiveSync.Grains.Interfaces.Comments;

/// <summary>
/// Comments of every project (a stateless worker, key 0). Each call names the project and the caller, whose role the
/// project's grain answers first; a comment, or a commented entity, of another project is not found.
/// </summary>
public interface ICommentsGrain : IGrainWithIntegerKey
{
    Task<CommentPage> List(long callerId, long projectId, string entityType, long entityId, int offset, int limit);

    Task<CommentView> Create(long callerId, long projectId, string entityType, long entityId, string body);

    /// <summary>The author only; the replaced body is kept as a version.</summary>
    Task<CommentView> Edit(long callerId, long projectId, long commentId, string body, long? expectedVersion = null);

    /// <summary>The author, or an admin or owner of the project.</summary>
    Task Delete(long callerId, long projectId, long commentId, long? expectedVersion = null);

    Task<IReadOnlyList<CommentVersion>> History(long callerId, long projectId, long commentId);

    Task<CommentView> SetStar(long callerId, long projectId, long commentId, bool starred);

    /// <summary>Comments in the caller's projects (or the query's one project) matching the query's words, best first.</summary>
    Task<Search.SearchPage> Search(long callerId, Search.SearchQuery query);
}

public static class CommentGrains
{
    public static ICommentsGrain GetComments(this IGrainFactory grains) => grains.GetGrain<ICommentsGrain>(0);
}
