using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Platform;

/// <summary>
/// The retry grain of one kind (key 0): a reminder ticks every <see cref="StoredWorkOptions.RetryPeriod"/> and applies
/// the items that are due. Each kind derives a named grain from it; the name is the grain type its stored reminder
/// points at, so it never changes. A tick delivered twice (the reminder's owner changed) is harmless: every item is
/// claimed before it is attempted. The reminder stays registered; a tick with nothing due is one indexed query.
/// </summary>
public abstract class StoredWorkRetryGrain(StoredWorkKind work, string reminder) : Grain, IStoredWorkRetryGrain, IRemindable
{
    private bool _scheduled;

    public async Task EnsureScheduled()
    {
        if (_scheduled)
        {
            return;
        }

        var period = work.Options.RetryPeriod;
        await this.RegisterOrUpdateReminder(reminder, period, period);
        _scheduled = true;
    }

    public Task<int> RetryDue() => work.RetryDueAsync();

    public Task ApplyQueued() => work.RetryDueAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status) => work.RetryDueAsync();
}
