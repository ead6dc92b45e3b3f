using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Billing;

/// <summary>
/// Comes back to stored webhook events whose processing failed: a reminder (it survives silo restarts) ticks every
/// <c>Billing:EventRetryPeriod</c> and processes the events that are due, oldest first. The reminder stays
/// registered; a tick with nothing due is one indexed query.
/// </summary>
public sealed class BillingEventRetryGrain(
    BillingStore store,
    BillingEventProcessor processor,
    IOptionsMonitor<BillingOptions> options,
    DomainClock clock) : Grain, IBillingEventRetryGrain, IRemindable
{
    public const string ReminderName = "billing-event-retry";

    private bool _scheduled;

    public async Task EnsureScheduled()
    {
        if (_scheduled)
        {
            return;
        }

        var period = options.CurrentValue.EventRetryPeriod;
        await this.RegisterOrUpdateReminder(ReminderName, period, period);
        _scheduled = true;
    }

    public async Task<int> RetryDue()
    {
        var due = await store.DueEventsAsync(clock.UtcNow, options.CurrentValue.EventRetryBatchSize);
        foreach (var stored in due)
        {
            await processor.ProcessAsync(stored);
        }

        return due.Count;
    }

    // Idempotent: processing an already-processed event changes nothing, so a doubled tick is harmless.
    public Task ReceiveReminder(string reminderName, TickStatus status) => RetryDue();
}
