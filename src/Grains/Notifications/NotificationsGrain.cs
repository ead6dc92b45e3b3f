using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Orleans.Concurrency;

namespace HiveSync.Grains.Notifications;

/// <summary>Reads and marks a user's notifications; stateless and reentrant (every statement is keyed by the user).</summary>
[StatelessWorker]
[Reentrant]
public sealed class NotificationsGrain(NotificationStore store, DomainClock clock) : Grain, INotificationsGrain
{
    public const int MaxIdsPerMark = 500;

    public async Task<NotificationPage> List(long userId, bool unreadOnly, int offset, int limit)
    {
        var (items, total) = await store.ListAsync(userId, unreadOnly, offset, limit);
        return new NotificationPage(items, total);
    }

    public Task<long> UnreadCount(long userId) => store.UnreadCountAsync(userId);

    public async Task<IReadOnlyList<Notification>> Since(long userId, long afterId, int limit) => await store.SinceAsync(userId, afterId, limit);

    public Task<long> LatestId(long userId) => store.LatestIdAsync(userId);

    public Task<int> MarkRead(long userId, IReadOnlyList<long> ids) => ids.Count is > 0 and <= MaxIdsPerMark
        ? store.MarkReadAsync(userId, ids, clock.UtcNow)
        : throw DomainException.Validation("ids", $"Must be 1 to {MaxIdsPerMark} notification ids.");

    public Task<int> MarkAllRead(long userId) => store.MarkReadAsync(userId, null, clock.UtcNow);

    public async Task<IReadOnlyList<NotificationSetting>> Settings(long userId) => await store.SettingsAsync(userId);

    public async Task<IReadOnlyList<NotificationSetting>> UpdateSettings(long userId, IReadOnlyList<NotificationSetting> changes)
    {
        if (changes.FirstOrDefault(c => !NotificationTypes.All.Contains(c.EventType)) is { } unknown)
        {
            throw DomainException.Validation(unknown.EventType, $"Unknown event type; one of: {string.Join(", ", NotificationTypes.All)}.");
        }

        await store.SaveSettingsAsync(userId, changes, clock.UtcNow);
        return await store.SettingsAsync(userId);
    }
}
