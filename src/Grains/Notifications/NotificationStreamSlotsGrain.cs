using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Notifications;

/// <summary>One user's stream slots: the oldest stream gives way to a newer one beyond the maximum.</summary>
public sealed class NotificationStreamSlotsGrain(DomainClock clock) : Grain, INotificationStreamSlotsGrain
{
    private readonly Dictionary<Guid, Slot> _held = [];

    // Streams told to end, remembered for a lease so a late renewal is refused rather than taken as a new stream.
    private readonly Dictionary<Guid, DateTime> _evicted = [];

    public Task<bool> Hold(Guid streamId, int maxStreams, TimeSpan lease)
    {
        var now = clock.UtcNow;
        Lapse(now);
        if (_evicted.ContainsKey(streamId))
        {
            return Task.FromResult(false);
        }

        _held[streamId] = _held.TryGetValue(streamId, out var slot) ? slot with { Until = now + lease } : new Slot(now, now + lease);
        while (_held.Count > maxStreams)
        {
            var oldest = _held.MinBy(s => s.Value.Opened).Key;
            _held.Remove(oldest);
            _evicted[oldest] = now + lease;
        }

        return Task.FromResult(_held.ContainsKey(streamId));
    }

    public Task Release(Guid streamId)
    {
        _held.Remove(streamId);
        return Task.CompletedTask;
    }

    private void Lapse(DateTime now)
    {
        foreach (var (id, _) in _held.Where(s => s.Value.Until <= now).ToList())
        {
            _held.Remove(id);
        }

        foreach (var (id, _) in _evicted.Where(e => e.Value <= now).ToList())
        {
            _evicted.Remove(id);
        }
    }

    private sealed record Slot(DateTime Opened, DateTime Until);
}
