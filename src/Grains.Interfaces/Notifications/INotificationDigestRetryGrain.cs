using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Notifications;

/// <summary>
/// The retry grain of notification digests (key 0; see <see cref="IStoredWorkRetryGrain"/>): its reminder sends the
/// digests that are due every <c>Notifications:Email:Digest:RetryPeriod</c>. Scheduled when a silo starts, because a
/// digest falls due inside whichever domain's transaction created the notification.
/// </summary>
public interface INotificationDigestRetryGrain : IStoredWorkRetryGrain
{
}
