using HiveSync.Grains.Interfaces.Billing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HiveSync.Grains.Billing;

/// <summary>
/// Once the silo runs, hands over the plans not yet handed to their user grains: subscriptions stored before plans
/// were handed over at all (an upgraded database), or whose hand-over failed after their state was stored (the
/// webhook event is retried too; this covers a state reached through a plan change). Every silo does it at start;
/// doing it twice is harmless.
/// </summary>
public sealed partial class PlanCatchUp(BillingStore store, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<PlanCatchUp> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var users = await store.UsersWithPlanToSyncAsync(BatchSize);
            var failed = 0;
            foreach (var userId in users)
            {
                try
                {
                    await grains.GetGrain<IUserSubscriptionsGrain>(userId).SyncPlan();
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    failed++;
                    LogSyncFailed(error, userId);
                }
            }

            if (users.Count < BatchSize || failed == users.Count)
            {
                return; // done, or nothing moves: the next start (or the next event of each) tries again
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing the plan of user {UserId} to their grain failed; retried at the next start")]
    private partial void LogSyncFailed(Exception error, long userId);
}
