using System.Globalization;
using System.Text;
using System.Text.Json;
using HiveSync.Grains.Email;
using HiveSync.Grains.Interfaces.Notifications;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Notifications;

/// <summary>The digest email: one line per notification, from its type and data, and a link to the rest.</summary>
public sealed class NotificationEmails(IOptionsMonitor<EmailOptions> options)
{
    public const string Kind = "notification_digest";

    public OutgoingEmail Digest(string to, IReadOnlyList<Notification> listed, int total)
    {
        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"You have {Count(total)} on HiveSync:").AppendLine();
        foreach (var notification in listed)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"- {Line(notification)}");
        }

        if (total > listed.Count)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"- and {total - listed.Count} more");
        }

        var links = options.CurrentValue.LinkBaseUrl.TrimEnd('/');
        body.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"See them all: {links}/notifications")
            .AppendLine().AppendLine(CultureInfo.InvariantCulture, $"You get these emails for the event types whose email channel is on; change that in your notification settings: {links}/settings/notifications");
        return new OutgoingEmail(Kind, to, total == 1 ? $"HiveSync: {Line(listed[0])}" : $"HiveSync: {Count(total)}", body.ToString());
    }

    public static string Line(Notification notification)
    {
        using var payload = JsonDocument.Parse(notification.PayloadJson);
        var data = payload.RootElement;
        string Field(string name) => data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        return notification.Type switch
        {
            NotificationTypes.AddedToProject => $"You were added to {Field("project_name")} ({Field("project_key")}) as {Field("role")}.",
            NotificationTypes.RoleChanged => $"Your role in {Field("project_name")} is now {Field("role")} (was {Field("previous_role")}).",
            NotificationTypes.TaskAssigned => $"You were assigned {Field("task_key")}: {Field("task_title")}.",
            NotificationTypes.BlockerDone => $"{Field("blocker_key")} is done, so {Field("task_key")} ({Field("task_title")}) no longer waits for it.",
            NotificationTypes.Mentioned => $"You were mentioned on {Field("task_key")} {Field("task_title")}: \"{Field("excerpt")}\"",
            NotificationTypes.CommentOnAssignedTask => $"New comment on {Field("task_key")} {Field("task_title")}: \"{Field("excerpt")}\"",
            _ => notification.Type,
        };
    }

    private static string Count(int total) => total == 1 ? "1 new notification" : $"{total} new notifications";
}
