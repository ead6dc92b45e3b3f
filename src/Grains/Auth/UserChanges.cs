using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HiveSync.Grains.Auth;

/// <summary>
/// Changes to a user made outside the user's grain (today only the host's <c>admin</c> command) reach the grain
/// through PostgreSQL: the change's transaction sends <see cref="Channel"/> with the user id, every silo listens
/// and asks the user's grain to reload, then answers on <see cref="ReloadedChannel"/> with <c>id:role</c> so the
/// command can tell the operator the change is in force.
/// </summary>
public static class UserChanges
{
    public const string Channel = "hivesync_user_changed";
    public const string ReloadedChannel = "hivesync_user_reloaded";
}

/// <summary>A silo's listener for <see cref="UserChanges.Channel"/>; reconnects when its connection drops.</summary>
public sealed partial class UserChangeListener(NpgsqlDataSource db, IGrainFactory grains, ILogger<UserChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                LogListenFailed(error);
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await db.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            if (long.TryParse(e.Payload, System.Globalization.CultureInfo.InvariantCulture, out var userId))
            {
                _ = ReloadAsync(userId);
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {UserChanges.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        while (true)
        {
            await connection.WaitAsync(stoppingToken);
        }
    }

    private async Task ReloadAsync(long userId)
    {
        try
        {
            var role = await grains.GetGrain<Interfaces.Auth.IUserGrain>(userId).ReloadAccount();
            await using var connection = await db.OpenConnectionAsync();
            await using var reloaded = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            reloaded.Parameters.AddWithValue("channel", UserChanges.ReloadedChannel);
            reloaded.Parameters.AddWithValue("payload", $"{userId}:{role}");
            await reloaded.ExecuteNonQueryAsync();
        }
        catch (Exception error)
        {
            LogReloadFailed(error, userId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for user changes failed; reconnecting")]
    private partial void LogListenFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading user {UserId} after an outside change failed")]
    private partial void LogReloadFailed(Exception error, long userId);
}
