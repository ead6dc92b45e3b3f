using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using HiveSync.Grains.Interfaces.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HiveSync.Grains.Notifications;

/// <summary>
/// Each silo's one <c>LISTEN hivesync_notifications</c> connection (docs/architecture.md, "Live notifications"): a
/// committed notification's user id arrives here from whichever silo wrote it, and wakes that user's streams on this
/// silo. After any gap in listening (start, a lost connection) every stream is woken, so it reads what it missed.
/// </summary>
public sealed class NotificationSignals(NpgsqlDataSource db, ILogger<NotificationSignals> logger) : BackgroundService, INotificationSignals
{
    public const string Channel = "hivesync_notifications";

    // A connection that answers nothing for this long is probed, so a dead server is noticed and left.
    private static readonly TimeSpan ProbeAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Wakeups, byte>> _streams = new();

    public INotificationWakeups Subscribe(long userId)
    {
        var wakeups = new Wakeups(this, userId);
        _streams.GetOrAdd(userId, _ => new()).TryAdd(wakeups, 0);
        return wakeups;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Wake(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                WakeAll();
                retry = TimeSpan.FromSeconds(1);
                while (true)
                {
                    if (!await connection.WaitAsync(ProbeAfter, stoppingToken))
                    {
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // Streams still read the database at every heartbeat: a gap here delays them, it loses nothing.
                logger.LogWarning(error, "Listening for new notifications failed; listening again in {Retry}", retry);
                try
                {
                    await Task.Delay(retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private void Wake(string payload)
    {
        if (long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) && _streams.TryGetValue(userId, out var streams))
        {
            foreach (var stream in streams.Keys)
            {
                stream.Wake();
            }
        }
    }

    private void WakeAll()
    {
        foreach (var stream in _streams.Values.SelectMany(s => s.Keys))
        {
            stream.Wake();
        }
    }

    private void Remove(Wakeups wakeups)
    {
        if (_streams.TryGetValue(wakeups.UserId, out var streams))
        {
            streams.TryRemove(wakeups, out _);
            if (streams.IsEmpty)
            {
                _streams.TryRemove(new KeyValuePair<long, ConcurrentDictionary<Wakeups, byte>>(wakeups.UserId, streams));
            }
        }
    }

    /// <summary>At most one pending wake-up: a burst of signals while the stream writes costs it one more read.</summary>
    private sealed class Wakeups(NotificationSignals signals, long userId) : INotificationWakeups
    {
        private readonly Channel<bool> _pending = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        public long UserId => userId;

        public void Wake() => _pending.Writer.TryWrite(true);

        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(timeout);
            try
            {
                return await _pending.Reader.ReadAsync(timer.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        public void Dispose() => signals.Remove(this);
    }
}
