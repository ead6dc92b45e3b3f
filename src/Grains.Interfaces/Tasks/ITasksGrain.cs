namespace HiveSync.Grains.Interfaces.Tasks;

/// <summary>
/// The tasks of every project (a stateless worker; key 0): each call names the project and the caller, whose role
/// the project's grain answers before anything is read. A task of another project is <c>TASK_NOT_FOUND</c>.
/// </summary>
public interface ITasksGrain : IGrainWithIntegerKey
{
    Task<TaskDetails> Create(long callerId, long projectId, NewTask task);

    Task<TaskDetails> Describe(long callerId, long projectId, long taskId);

    Task<TaskDetails> DescribeByNumber(long callerId, long projectId, long number);

    /// <summary>With <paramref name="expectedVersion"/> (If-Match), only if it is still that version (else <c>PRECONDITION_FAILED</c>).</summary>
    Task<TaskDetails> Update(long callerId, long projectId, long taskId, TaskChanges changes, long? expectedVersion = null);

    Task Delete(long callerId, long projectId, long taskId, long? expectedVersion = null);

    Task<TaskPage> List(long callerId, long projectId, TaskListQuery query);

    Task<IReadOnlyList<TaskActivityEntry>> Activity(long callerId, long projectId, long taskId);

    Task<IReadOnlyList<TaskLabel>> ListLabels(long callerId, long projectId);

    Task<TaskLabel> GetLabel(long callerId, long projectId, long labelId);

    Task<TaskLabel> AddLabel(long callerId, long projectId, string name, string color);

    Task RemoveLabel(long callerId, long projectId, long labelId);

    /// <summary>Makes <paramref name="taskId"/> wait for <paramref name="otherTaskId"/>; never a cycle.</summary>
    Task<TaskDetails> AddDependency(long callerId, long projectId, long taskId, long otherTaskId);

    Task RemoveDependency(long callerId, long projectId, long taskId, long otherTaskId);

    Task<IReadOnlyList<TaskAttachment>> ListAttachments(long callerId, long projectId, long taskId);

    Task<TaskAttachment> AddLink(long callerId, long projectId, long taskId, string url, string? name);

    Task<TaskAttachment> GetAttachment(long callerId, long projectId, long taskId, long attachmentId);

    /// <summary>A pending upload with its signed upload URL; within the project's creator's tier's attachment size.</summary>
    Task<TaskAttachment> AddUpload(long callerId, long projectId, long taskId, NewUpload upload);

    /// <summary>
    /// Makes a pending upload ready once its stored object has the announced size (and SHA-256); ready already: as it
    /// is. Hashing a large object takes a while, hence the longer timeout.
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task<TaskAttachment> CompleteUpload(long callerId, long projectId, long taskId, long attachmentId);

    /// <summary>Removes a link or an upload; an upload's object is deleted after the commit (object_deletions).</summary>
    Task RemoveAttachment(long callerId, long projectId, long taskId, long attachmentId);

    /// <summary>Tasks of the caller's projects (or of the query's one project) matching the query's words, best first.</summary>
    Task<Search.SearchPage> Search(long callerId, Search.SearchQuery query);
}

public static class TaskGrains
{
    public static ITasksGrain GetTasks(this IGrainFactory grains) => grains.GetGrain<ITasksGrain>(0);
}
