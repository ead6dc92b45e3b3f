namespace HiveSync.Grains.Interfaces.Notifications;

/// <summary>Section <c>Notifications:Stream</c>: the live stream, <c>GET /api/v1/notifications/stream</c>.</summary>
public sealed class NotificationStreamOptions
{
    public const string Section = "Notifications:Stream";

    /// <summary>
    /// How often an idle stream sends a heartbeat (keeps proxies from closing it), renews its slot, checks its session,
    /// and reads the database in case a signal was missed.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Open streams per user across all silos; a newer one ends the oldest.</summary>
    public int MaxStreamsPerUser { get; set; } = 10;

    /// <summary>Notifications read and sent per batch.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>The reconnection delay the stream asks clients for (the SSE <c>retry</c> field).</summary>
    public TimeSpan ClientRetry { get; set; } = TimeSpan.FromSeconds(3);

    public static IEnumerable<string> Problems(NotificationStreamOptions o)
    {
        if (o.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || o.HeartbeatInterval > TimeSpan.FromMinutes(5))
        {
            yield return "Notifications:Stream:HeartbeatInterval must be from 100 ms to 5 minutes.";
        }

        if (o.MaxStreamsPerUser is < 1 or > 1000)
        {
            yield return "Notifications:Stream:MaxStreamsPerUser must be from 1 to 1000.";
        }

        if (o.BatchSize is < 1 or > 1000)
        {
            yield return "Notifications:Stream:BatchSize must be from 1 to 1000.";
        }

        if (o.ClientRetry < TimeSpan.FromMilliseconds(100) || o.ClientRetry > TimeSpan.FromMinutes(10))
        {
            yield return "Notifications:Stream:ClientRetry must be from 100 ms to 10 minutes.";
        }
    }
}

/// <summary>
/// This silo's signals of new notifications: a stream subscribes for its user and waits for a wake-up. Signals come
/// from PostgreSQL, whichever silo committed the notification.
/// </summary>
public interface INotificationSignals
{
    INotificationWakeups Subscribe(long userId);
}

/// <summary>One stream's wake-ups; signals that arrive while it is busy fold into one. Dispose to unsubscribe.</summary>
public interface INotificationWakeups : IDisposable
{
    /// <summary>True when woken, false when <paramref name="timeout"/> passed first.</summary>
    Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
