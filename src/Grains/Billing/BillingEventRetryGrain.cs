using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Billing;

/// <summary>
/// Comes back to stored webhook events whose processing failed: every <c>Billing:EventRetryPeriod</c> it applies the
/// events that are due, oldest first, at most <c>Billing:EventRetryBatchSize</c>. Its class name is the grain type
/// of the reminders already stored in PostgreSQL: keep it.
/// </summary>
public sealed class BillingEventRetryGrain(BillingEventProcessor events) : StoredWorkRetryGrain(events, ReminderName), IBillingEventRetryGrain
{
    public const string ReminderName = "billing-event-retry";
}
