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

[GenerateSerializer, Immutable]
public sealed record TaskAttachment(long Id, string Kind, string Name, string? Url, long CreatedBy, DateTimeOffset CreatedAt);
