using HiveSync.Grains.Interfaces.Comments;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Interfaces.Search;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;
using HiveSync.Grains.Projects;
using Orleans.Concurrency;

namespace HiveSync.Grains.Comments;

/// <summary>
/// Comments of every project. Stateless and reentrant like the tasks: an edit serialises on the comment's row lock,
/// and the project's grain answers every caller's role first.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed partial class CommentsGrain(CommentStore store, DomainClock clock) : Grain, ICommentsGrain
{
    public const int BodyMaxLength = 10_000;

    public async Task<CommentPage> List(long callerId, long projectId, string entityType, long entityId, int offset, int limit)
    {
        await GrainFactory.RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        var target = await TargetAsync(callerId, projectId, entityType, entityId);
        var (rows, total) = await store.ListAsync(projectId, target.TaskId, callerId, offset, limit);
        return new CommentPage([.. rows.Select(r => r.ToView())], total);
    }

    public async Task<CommentView> Create(long callerId, long projectId, string entityType, long entityId, string body)
    {
        await GrainFactory.RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        var target = await TargetAsync(callerId, projectId, entityType, entityId);
        var text = Body(body);
        var mentioned = await MembersNamedAsync(callerId, projectId, NamesIn(text));
        var id = await store.CreateAsync(projectId, target, callerId, text, mentioned, clock.UtcNow)
            ?? throw new DomainException(ErrorCodes.TaskNotFound, "This project has no such task.");
        return await LoadAsync(projectId, id, callerId);
    }

    public async Task<CommentView> Edit(long callerId, long projectId, long commentId, string body, long? expectedVersion = null)
    {
        await GrainFactory.RequireAsync(callerId, projectId, ProjectRoles.Viewer, write: true);
        var comment = await LoadAsync(projectId, commentId, callerId);
        if (comment.AuthorId != callerId)
        {
            throw new DomainException(ErrorCodes.AuthForbidden, "Only its author can edit a comment.");
        }

        var text = Body(body);
        if (expectedVersion is { } expected && expected != comment.Version)
        {
            throw ErrorCodes.Stale();
        }

        // Members the edit names who were not named before are told, as on a new comment (the others already were).
        var newNames = NamesIn(text);
        newNames.ExceptWith(NamesIn(comment.Body));
        var newlyMentioned = await MembersNamedAsync(callerId, projectId, newNames);
        var target = newlyMentioned.Count == 0 ? null : await TargetAsync(callerId, projectId, comment.EntityType, comment.EntityId);
        if (!await store.EditAsync(projectId, commentId, callerId, text, expectedVersion, target, newlyMentioned, clock.UtcNow))
        {
            throw await GoneOrStaleAsync(projectId, commentId, callerId);
        }

        return await LoadAsync(projectId, commentId, callerId);
    }

    public async Task Delete(long callerId, long projectId, long commentId, long? expectedVersion = null)
    {
        var standing = await GrainFactory.RequireAsync(callerId, projectId, ProjectRoles.Viewer, write: true);
        var comment = await LoadAsync(projectId, commentId, callerId);
        if (comment.AuthorId != callerId && !ProjectRoles.Allows(standing.Role, ProjectRoles.Admin))
        {
            throw new DomainException(ErrorCodes.AuthForbidden, "Only its author, or an admin of the project, can delete a comment.");
        }

        if (!await store.DeleteAsync(projectId, commentId, expectedVersion))
        {
            throw await GoneOrStaleAsync(projectId, commentId, callerId);
        }
    }

    public async Task<IReadOnlyList<CommentVersion>> History(long callerId, long projectId, long commentId)
    {
        await GrainFactory.RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        var comment = await LoadAsync(projectId, commentId, callerId);
        var earlier = await store.VersionsAsync(commentId);
        return [.. earlier, new CommentVersion(comment.Version, comment.Body, comment.EditedAt ?? comment.CreatedAt)];
    }

    public async Task<CommentView> SetStar(long callerId, long projectId, long commentId, bool starred)
    {
        await GrainFactory.RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        _ = await LoadAsync(projectId, commentId, callerId);
        await store.SetStarAsync(commentId, callerId, starred, clock.UtcNow);
        return await LoadAsync(projectId, commentId, callerId);
    }

    public async Task<SearchPage> Search(long callerId, SearchQuery query)
    {
        query = FullTextSearch.Validate(query);
        if (query.EntityType is not (null or CommentEntityTypes.Task or CommentEntityTypes.Project))
        {
            throw DomainException.Validation("entity_type", "Must be task or project.");
        }

        var reach = await GrainFactory.GetProjectDirectory().SearchReach(callerId, query.ProjectId);
        var (rows, total) = await store.SearchAsync([.. reach.Keys], query.Text, query.EntityType, query.Offset, query.Limit);
        return new SearchPage([.. rows.Select(r => new SearchHit("comment", r.Id, r.ProjectId, r.Title, r.Snippet, r.Rank, EntityType: r.EntityType, EntityId: r.EntityId))], total);
    }

    /// <summary>What a comment is on: the project itself, or one of its tasks (asked of the tasks, so another project's is not found).</summary>
    private async Task<CommentTarget> TargetAsync(long callerId, long projectId, string entityType, long entityId)
    {
        switch (entityType)
        {
            case CommentEntityTypes.Task:
                var task = await GrainFactory.GetTasks().Describe(callerId, projectId, entityId);
                return new CommentTarget(entityType, task.Id, task.Key, task.Title, task.AssigneeIds);
            case CommentEntityTypes.Project when entityId == projectId:
                return new CommentTarget(entityType, null);
            case CommentEntityTypes.Project:
                throw ProjectErrors.NotFound();
            default:
                throw DomainException.Validation("entity_type", "Must be task or project.");
        }
    }

    /// <summary>The names <paramref name="body"/> mentions as <c>@username</c>, any case.</summary>
    private static HashSet<string> NamesIn(string body) =>
        // "@bob." at the end of a sentence names bob (or a user really called "bob.").
        Mention().Matches(body).SelectMany(m => new[] { m.Groups[1].Value, m.Groups[1].Value.TrimEnd('.', '-', '_') }).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The members whose usernames are among <paramref name="names"/> (names of non-members are plain text).</summary>
    private async Task<IReadOnlyList<long>> MembersNamedAsync(long callerId, long projectId, HashSet<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var members = await GrainFactory.GetGrain<IProjectGrain>(projectId).ListMembers(callerId);
        return [.. members.Where(m => m.Username is not null && names.Contains(m.Username)).Select(m => m.UserId)];
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![A-Za-z0-9_.@-])@([A-Za-z0-9][A-Za-z0-9_.-]{2,31})")]
    private static partial System.Text.RegularExpressions.Regex Mention();

    private static string Body(string? body) => TextRules.Text(body, "body", BodyMaxLength, multiLine: true);

    private async Task<CommentView> LoadAsync(long projectId, long commentId, long viewerId) =>
        (await store.FindAsync(projectId, commentId, viewerId))?.ToView() ?? throw NotFound();

    /// <summary>Why a conditional change matched no row: the comment is gone, or it is no longer the version expected.</summary>
    private async Task<DomainException> GoneOrStaleAsync(long projectId, long commentId, long viewerId) =>
        await store.FindAsync(projectId, commentId, viewerId) is null ? NotFound() : ErrorCodes.Stale();

    private static DomainException NotFound() => new(ErrorCodes.CommentNotFound, "This project has no such comment.");
}
