namespace HiveSync.Grains.Interfaces.Notifications;

/// <summary>
/// A user's notifications (a stateless worker, key 0; every call names its user). Only the user's own rows are ever
/// read or changed: ids of someone else's notifications change nothing.
/// </summary>
public interface INotificationsGrain : IGrainWithIntegerKey
{
    Task<NotificationPage> List(long userId, bool unreadOnly, int offset, int limit);

    Task<long> UnreadCount(long userId);

    /// <summary>Up to <paramref name="limit"/> of the user's notifications after <paramref name="afterId"/>, oldest first (a stream's next events).</summary>
    Task<IReadOnlyList<Notification>> Since(long userId, long afterId, int limit);

    /// <summary>The user's newest notification id, 0 when none.</summary>
    Task<long> LatestId(long userId);

    /// <summary>Marks those of <paramref name="ids"/> that are the user's; answers how many changed.</summary>
    Task<int> MarkRead(long userId, IReadOnlyList<long> ids);

    Task<int> MarkAllRead(long userId);

    /// <summary>Every event type with its channels (defaults: both on).</summary>
    Task<IReadOnlyList<NotificationSetting>> Settings(long userId);

    Task<IReadOnlyList<NotificationSetting>> UpdateSettings(long userId, IReadOnlyList<NotificationSetting> changes);
}

public static class NotificationGrains
{
    public static INotificationsGrain GetNotifications(this IGrainFactory grains) => grains.GetGrain<INotificationsGrain>(0);
}
