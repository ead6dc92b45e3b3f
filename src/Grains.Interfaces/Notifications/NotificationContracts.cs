namespace HiveSync.Grains.Interfaces.Notifications;

/// <summary>What a notification is about; each is also a row of the user's settings.</summary>
public static class NotificationTypes
{
    public const string AddedToProject = "project.member_added";
    public const string RoleChanged = "project.role_changed";
    public const string TaskAssigned = "task.assigned";
    public const string BlockerDone = "task.blocker_done";
    public const string Mentioned = "comment.mentioned";
    public const string CommentOnAssignedTask = "comment.on_assigned_task";

    public static IReadOnlyList<string> All { get; } = [AddedToProject, RoleChanged, TaskAssigned, BlockerDone, Mentioned, CommentOnAssignedTask];
}

public static class NotificationChannels
{
    public const string InApp = "in_app";
    public const string Email = "email";
}

[GenerateSerializer, Immutable]
public sealed record Notification(
    long Id,
    string Type,
    long? ActorId,
    long? ProjectId,
    long? TaskId,
    long? CommentId,
    string PayloadJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt);

[GenerateSerializer, Immutable]
public sealed record NotificationPage(IReadOnlyList<Notification> Items, long Total);

/// <summary>One event type's channels for one user.</summary>
[GenerateSerializer, Immutable]
public sealed record NotificationSetting(string EventType, bool InApp, bool Email);
