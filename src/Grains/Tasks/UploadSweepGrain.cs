using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;
using HiveSync.Grains.Storage;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Tasks;

/// <summary>
/// Sweeps uploads never completed. A minute of grace after the URL's expiry lets a PUT that started just in time
/// finish, and lets its client complete it. Its class name is the grain type of its stored reminder: keep it.
/// </summary>
public sealed class UploadSweepGrain(TaskStore store, ObjectDeletions deletions, IOptionsMonitor<AttachmentOptions> options, DomainClock clock) : Grain, IUploadSweepGrain, IRemindable
{
    public const string ReminderName = "upload-sweep";

    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private const int BatchSize = 1000;

    private bool _scheduled;

    public async Task EnsureScheduled()
    {
        if (_scheduled)
        {
            return;
        }

        var period = options.CurrentValue.SweepPeriod;
        await this.RegisterOrUpdateReminder(ReminderName, period, period);
        _scheduled = true;
    }

    public async Task<int> Sweep()
    {
        await deletions.EnsureScheduledAsync();
        var removed = 0;
        int batch;
        do
        {
            batch = await store.SweepExpiredUploadsAsync(clock.UtcNow - Grace, BatchSize);
            removed += batch;
        }
        while (batch == BatchSize);

        if (removed > 0)
        {
            await deletions.QueueAsync();
        }

        return removed;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Sweep();
}
