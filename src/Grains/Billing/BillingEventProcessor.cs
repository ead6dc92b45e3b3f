using System.Globalization;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Billing;

/// <summary>
/// Applies one stored webhook event: an event of another store, or a test-mode one while test mode is off, is
/// ignored and audited; otherwise subscription events go to their subscription's grain, payment events are
/// recorded, others ignored. Never throws: a failed attempt is counted and rescheduled with a doubling delay
/// (<see cref="IBillingEventRetryGrain"/> comes back to it), and after <c>Billing:EventMaxAttempts</c> the event
/// is marked <c>failed</c>, logged and audited. Both the webhook and the retry reminder use it.
/// </summary>
public sealed class BillingEventProcessor(
    IGrainFactory grains,
    BillingStore store,
    AuditLog audit,
    IOptionsMonitor<BillingOptions> options,
    DomainClock clock,
    ILogger<BillingEventProcessor> logger)
{
    public async Task ProcessAsync(StoredBillingEvent stored)
    {
        try
        {
            var o = options.CurrentValue;
            var parsed = LemonSqueezyEvent.Parse(stored.Body, o);
            if (parsed.Kind != LemonSqueezyEventKind.Invalid && parsed.OriginRefusal(o) is { } refusal)
            {
                await IgnoreAsync(stored, parsed, refusal);
                return;
            }

            var (outcome, userId) = parsed.Kind switch
            {
                LemonSqueezyEventKind.Subscription => await ApplyAsync(stored, parsed),
                LemonSqueezyEventKind.Payment => (BillingEventOutcomes.Recorded, parsed.SubscriptionId is { } sid ? await store.UserOfSubscriptionAsync(sid) : null),
                LemonSqueezyEventKind.Other => (BillingEventOutcomes.Ignored, (long?)null),
                _ => (BillingEventOutcomes.Invalid, (long?)null),
            };
            if (parsed.Kind == LemonSqueezyEventKind.Invalid)
            {
                logger.LogWarning("Billing event {EventId} is signed but unreadable: {Problem}", stored.Id, parsed.Problem);
            }

            await store.MarkProcessedAsync(stored.Id, clock.UtcNow, outcome, parsed.EventName, parsed.SubscriptionId, userId);
        }
        catch (Exception error)
        {
            await RecordFailureAsync(stored, error);
        }
    }

    /// <summary>Marks the event ignored, audited once: it reached us signed, so somebody should see why it changed nothing.</summary>
    private async Task IgnoreAsync(StoredBillingEvent stored, LemonSqueezyEvent parsed, string refusal)
    {
        logger.LogWarning(
            "Billing event {EventId} ({Event}) is ignored: {Reason} (store {StoreId}, test mode {TestMode})",
            stored.Id,
            parsed.EventName,
            refusal,
            parsed.StoreId,
            parsed.TestMode);
        var audit = new AuditEntry(
            AuditActions.BillingEventIgnored,
            null,
            null,
            "billing_event",
            stored.Id.ToString(CultureInfo.InvariantCulture),
            new { reason = refusal, @event = parsed.EventName, subscription_id = parsed.SubscriptionId, store_id = parsed.StoreId, test_mode = parsed.TestMode });
        await store.MarkProcessedAsync(stored.Id, clock.UtcNow, BillingEventOutcomes.Ignored, parsed.EventName, parsed.SubscriptionId, null, audit);
    }

    private async Task<(string Outcome, long? UserId)> ApplyAsync(StoredBillingEvent stored, LemonSqueezyEvent parsed)
    {
        var subscription = grains.GetGrain<ISubscriptionGrain>(SubscriptionGrain.KeyOf(parsed.SubscriptionId!));
        var applied = await subscription.Apply(new SubscriptionUpdate(stored.Id, parsed.EventName!, parsed.State!, parsed.UserIdHint));
        return (applied.Outcome, applied.UserId);
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: <paramref name="first"/> doubled per attempt, at most <paramref name="max"/>.</summary>
    public static TimeSpan RetryDelay(TimeSpan first, TimeSpan max, int attempt)
    {
        var factor = 1L << Math.Clamp(attempt - 1, 0, 30);
        return first.Ticks > max.Ticks / factor ? max : TimeSpan.FromTicks(first.Ticks * factor); // compared before multiplying: no overflow
    }

    private async Task RecordFailureAsync(StoredBillingEvent stored, Exception error)
    {
        var o = options.CurrentValue;
        var now = clock.UtcNow;
        var attempt = stored.Attempts + 1;
        var delay = RetryDelay(o.EventRetryDelay, o.EventRetryMaxDelay, attempt);
        try
        {
            var attempts = await store.RecordFailedAttemptAsync(stored.Id, now + delay, $"{error.GetType().Name}: {error.Message}");
            if (attempts is null)
            {
                return; // a racing attempt finished it
            }

            if (attempts >= o.EventMaxAttempts)
            {
                await store.MarkFailedAsync(stored.Id, now);
                logger.LogError(error, "Billing event {EventId} failed {Attempts} times and is given up; it stays in billing_events for an admin", stored.Id, attempts);
                await audit.WriteAsync(new AuditEntry(AuditActions.BillingEventFailed, null, null, "billing_event", stored.Id.ToString(CultureInfo.InvariantCulture), new { attempts, error = error.GetType().Name }));
                return;
            }

            logger.LogWarning(error, "Billing event {EventId} failed (attempt {Attempts}); retrying after {Delay}", stored.Id, attempts, delay);
        }
        catch (Exception bookkeeping)
        {
            // The event stays stored and unprocessed; the retry reminder finds it when its next attempt is due.
            logger.LogError(bookkeeping, "Billing event {EventId} failed and its failure could not be recorded", stored.Id);
        }
    }
}
