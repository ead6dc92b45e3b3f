using System.Globalization;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Billing;

/// <summary>
/// Stored webhook events as a kind of stored work: applies one event. An event of another store, or a test-mode one
/// while test mode is off, is ignored and audited; otherwise subscription events go to their subscription's grain,
/// payment events are recorded, others ignored. Applying an event twice changes nothing (the subscription's grain keeps
/// the newest state), so an interrupted attempt is simply applied again. Failures are retried by
/// <see cref="BillingEventRetryGrain"/> with the <c>Billing:Event*</c> settings; an event given up is marked
/// <c>failed</c>, logged and audited.
/// </summary>
public sealed class BillingEventProcessor(
    IGrainFactory grains,
    BillingStore store,
    IOptionsMonitor<BillingOptions> options,
    DomainClock clock,
    ILogger<BillingEventProcessor> logger) : StoredWorkKind(store.Events, clock, logger)
{
    public override string Name => "Billing event";

    public override StoredWorkOptions Options => options.CurrentValue.EventWork;

    public override bool ApplyIsIdempotent => true;

    protected override IStoredWorkRetryGrain RetryGrain => grains.GetGrain<IBillingEventRetryGrain>(0);

    protected override async Task ApplyAsync(StoredWorkClaim claim, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var parsed = LemonSqueezyEvent.Parse(await store.EventBodyAsync(claim.Id), o);
        if (parsed.Kind != LemonSqueezyEventKind.Invalid && parsed.OriginRefusal(o) is { } refusal)
        {
            await IgnoreAsync(claim, parsed, refusal);
            return;
        }

        var (outcome, userId) = parsed.Kind switch
        {
            LemonSqueezyEventKind.Subscription => await ApplySubscriptionAsync(claim, parsed),
            LemonSqueezyEventKind.Payment => (BillingEventOutcomes.Recorded, parsed.SubscriptionId is { } sid ? await store.UserOfSubscriptionAsync(sid) : null),
            LemonSqueezyEventKind.Other => (BillingEventOutcomes.Ignored, (long?)null),
            _ => (BillingEventOutcomes.Invalid, (long?)null),
        };
        if (parsed.Kind == LemonSqueezyEventKind.Invalid)
        {
            Logger.LogWarning("Billing event {EventId} is signed but unreadable: {Problem}", claim.Id, parsed.Problem);
        }

        await store.MarkProcessedAsync(claim, Clock.UtcNow, outcome, parsed.EventName, parsed.SubscriptionId, userId);
    }

    protected override AuditEntry GivenUpAudit(StoredWorkClaim claim, Exception? failure) =>
        GivenUp(AuditActions.BillingEventFailed, "billing_event", claim, failure?.GetType().Name);

    /// <summary>Marks the event ignored, audited once: it reached us signed, so somebody should see why it changed nothing.</summary>
    private async Task IgnoreAsync(StoredWorkClaim claim, LemonSqueezyEvent parsed, string refusal)
    {
        Logger.LogWarning(
            "Billing event {EventId} ({Event}) is ignored: {Reason} (store {StoreId}, test mode {TestMode})",
            claim.Id,
            parsed.EventName,
            refusal,
            parsed.StoreId,
            parsed.TestMode);
        var audit = new AuditEntry(
            AuditActions.BillingEventIgnored,
            null,
            null,
            "billing_event",
            claim.Id.ToString(CultureInfo.InvariantCulture),
            new { reason = refusal, @event = parsed.EventName, subscription_id = parsed.SubscriptionId, store_id = parsed.StoreId, test_mode = parsed.TestMode });
        await store.MarkProcessedAsync(claim, Clock.UtcNow, BillingEventOutcomes.Ignored, parsed.EventName, parsed.SubscriptionId, null, audit);
    }

    private async Task<(string Outcome, long? UserId)> ApplySubscriptionAsync(StoredWorkClaim claim, LemonSqueezyEvent parsed)
    {
        var subscription = grains.GetGrain<ISubscriptionGrain>(SubscriptionGrain.KeyOf(parsed.SubscriptionId!));
        var applied = await subscription.Apply(new SubscriptionUpdate(claim.Id, parsed.EventName!, parsed.State!, parsed.UserIdHint));
        return (applied.Outcome, applied.UserId);
    }
}
