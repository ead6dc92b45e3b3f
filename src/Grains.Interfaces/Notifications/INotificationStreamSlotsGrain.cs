namespace HiveSync.Grains.Interfaces.Notifications;

/// <summary>
/// The open streams of one user (key: the user id), across silos: bounds how many there are. A stream holds a slot
/// for a lease and renews it at every heartbeat; one whose silo died lapses with its lease. Kept in memory only: after
/// the grain moves, live streams take their slots again at their next renewal.
/// </summary>
public interface INotificationStreamSlotsGrain : IGrainWithIntegerKey
{
    /// <summary>Takes or renews <paramref name="streamId"/>'s slot; false when newer streams have taken it (the stream ends).</summary>
    Task<bool> Hold(Guid streamId, int maxStreams, TimeSpan lease);

    [Orleans.Concurrency.OneWay]
    Task Release(Guid streamId);
}
