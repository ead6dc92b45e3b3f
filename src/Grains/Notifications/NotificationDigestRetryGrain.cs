using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Notifications;

/// <summary>Sends the notification digests that are due. Its class name is the grain type of its stored reminder: keep it.</summary>
public sealed class NotificationDigestRetryGrain(NotificationDigests digests) : StoredWorkRetryGrain(digests, ReminderName), INotificationDigestRetryGrain
{
    public const string ReminderName = "notification-digest-retry";
}
