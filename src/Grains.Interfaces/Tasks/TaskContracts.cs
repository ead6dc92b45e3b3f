namespace HiveSync.Grains.Interfaces.Tasks;

public static class TaskStatuses
{
    public const string Todo = "todo";
    public const string InProgress = "in_progress";
    public const string InReview = "in_review";
    public const string Done = "done";
    public const string Canceled = "canceled";

    public static IReadOnlyList<string> All { get; } = [Todo, InProgress, InReview, Done, Canceled];

    /// <summary>A blocker in one of these no longer blocks.</summary>
    public static bool IsClosed(string status) => status is Done or Canceled;
}

public static class TaskPriorities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Urgent = "urgent";

    public static IReadOnlyList<string> All { get; } = [Low, Medium, High, Urgent];
}

/// <summary>An open task this one waits for.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskBlocker(long Id, long Number, string Key, string Title, string Status);

[GenerateSerializer, Immutable]
public sealed record TaskDetails(
    long Id,
    long ProjectId,
    long Number,
    string Key,
    string Title,
    string Description,
    string Status,
    string Priority,
    IReadOnlyList<long> AssigneeIds,
    IReadOnlyList<long> LabelIds,
    DateOnly? DueDate,
    IReadOnlyList<long> DependsOn,
    IReadOnlyList<TaskBlocker> OpenBlockers,
    long CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    long Version);

[GenerateSerializer, Immutable]
public sealed record NewTask(
    string Title,
    string Description,
    string Status,
    string Priority,
    IReadOnlyList<long> AssigneeIds,
    IReadOnlyList<long> LabelIds,
    DateOnly? DueDate);

/// <summary>A PATCH: a null field stays as it is, except <see cref="DueDate"/>, which <see cref="SetDueDate"/> says is given (null clears).</summary>
[GenerateSerializer, Immutable]
public sealed record TaskChanges(
    string? Title = null,
    string? Description = null,
    string? Status = null,
    string? Priority = null,
    IReadOnlyList<long>? AssigneeIds = null,
    IReadOnlyList<long>? LabelIds = null,
    bool SetDueDate = false,
    DateOnly? DueDate = null,
    bool OverrideBlockers = false);

public enum TaskSort
{
    Number,
    Created,
    Updated,
    Due,
    Priority,
    Title,
}

[GenerateSerializer, Immutable]
public sealed record TaskListQuery(
    IReadOnlyList<string> Statuses,
    long? Assignee,
    IReadOnlyList<long> Labels,
    string? Priority,
    DateOnly? DueBefore,
    DateOnly? DueAfter,
    string? Text,
    TaskSort Sort,
    bool Descending,
    int Offset,
    int Limit);

[GenerateSerializer, Immutable]
public sealed record TaskPage(IReadOnlyList<TaskDetails> Items, long Total);

[GenerateSerializer, Immutable]
public sealed record TaskLabel(long Id, string Name, string Color, DateTimeOffset CreatedAt);

/// <summary>One changed field; values are JSON text (null, a string, or a list of ids).</summary>
[GenerateSerializer, Immutable]
public sealed record TaskActivityEntry(long Id, long ActorId, string Field, string? OldValueJson, string? NewValueJson, DateTimeOffset OccurredAt);

public static class AttachmentKinds
{
    public const string Link = "link";
    public const string Upload = "upload";
}

public static class AttachmentStatuses
{
    /// <summary>An upload whose URL was issued and which was not completed yet.</summary>
    public const string Pending = "pending";

    /// <summary>A link, or an upload whose stored object was checked.</summary>
    public const string Ready = "ready";
}

/// <summary>
/// A link or an upload. <see cref="Download"/>: a signed download of a ready upload. <see cref="Upload"/>: the signed
/// upload, only in the answer that created it (viewers never get a way to write).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TaskAttachment(
    long Id,
    string Kind,
    string Status,
    string Name,
    string? Url,
    string? ContentType,
    long? Size,
    string? Sha256,
    long CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    SignedTransfer? Download = null,
    SignedTransfer? Upload = null);

/// <summary>An upload the client announces: the server picks where it is stored.</summary>
[GenerateSerializer, Immutable]
public sealed record NewUpload(string Name, string ContentType, long Size, string? Sha256);

/// <summary>
/// A request the client makes itself, exactly: method, URL (absolute, or relative to the API's host when it starts
/// with <c>/api/v1/</c>) and headers, until <see cref="ExpiresAt"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SignedTransfer(string Url, string Method, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresAt);
