using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;

namespace HiveSync.Grains.Billing;

/// <summary>
/// One LemonSqueezy subscription. Its row in <c>subscriptions</c> is the truth and this grain its only writer:
/// a state is applied only when it is newer than the stored one (LemonSqueezy's <c>updated_at</c>, then the
/// tie-break), so duplicates and reordered deliveries converge on the newest event. The subscriber is taken from
/// the event's <c>custom_data.user_id</c> the first time it names an existing user, and kept.
/// </summary>
public sealed class SubscriptionGrain(BillingStore store, DomainClock clock, ILogger<SubscriptionGrain> logger) : Grain, ISubscriptionGrain
{
    public const string KeyPrefix = "sub-";

    private SubscriptionState? _state;
    private long? _lastEventId;

    public static string KeyOf(string subscriptionId) => KeyPrefix + subscriptionId;

    private string SubscriptionId => this.GetPrimaryKeyString()[KeyPrefix.Length..];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!this.GetPrimaryKeyString().StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Subscription grain keys start with '{KeyPrefix}'.");
        }

        (_state, _lastEventId) = await store.LoadSubscriptionAsync(SubscriptionId) is { } loaded ? (loaded.State, loaded.LastEventId) : (null, null);
    }

    public async Task<SubscriptionApplied> Apply(SubscriptionUpdate update)
    {
        var incoming = update.State;
        if (incoming.SubscriptionId != SubscriptionId)
        {
            throw DomainException.Validation("subscription_id", $"This grain holds subscription {SubscriptionId}.");
        }

        if (_state?.UserId is { } linked && update.UserIdHint is { } hint && hint != linked)
        {
            logger.LogWarning("Subscription {SubscriptionId} belongs to user {UserId}; an event names user {Hint}, which is ignored", SubscriptionId, linked, hint);
        }

        var userId = _state?.UserId ?? await ExistingUserAsync(update.UserIdHint);
        incoming = incoming with { UserId = userId };

        if (_state is { } current && SubscriptionRules.Compare(incoming, current) <= 0)
        {
            return await KeepCurrentAsync(current, update, userId);
        }

        var now = clock.UtcNow;
        var audit = new AuditEntry(
            AuditActions.SubscriptionApplied,
            userId,
            null,
            "subscription",
            SubscriptionId,
            new
            {
                @event = update.EventName,
                event_id = update.EventId,
                outcome = userId is null ? BillingEventOutcomes.Unmatched : BillingEventOutcomes.Applied,
                status = incoming.Status,
                tier = incoming.Tier,
                billing_cycle = incoming.BillingCycle,
                variant_id = incoming.VariantId,
                renews_at = incoming.RenewsAt,
                ends_at = incoming.EndsAt,
                updated_at = incoming.UpdatedAt,
            });
        if (!await store.UpsertSubscriptionAsync(incoming, update.EventId, now, audit))
        {
            // Only possible if another activation stored a newer state meanwhile: adopt what is stored.
            await OnActivateAsync(CancellationToken.None);
            return new SubscriptionApplied(BillingEventOutcomes.Stale, _state?.UserId);
        }

        _state = incoming;
        _lastEventId = update.EventId;
        if (userId is { } subscriber)
        {
            await GrainFactory.GetGrain<IUserSubscriptionsGrain>(subscriber).Changed(incoming);
            return new SubscriptionApplied(BillingEventOutcomes.Applied, subscriber);
        }

        logger.LogWarning("Subscription {SubscriptionId} names no HiveSync user ({Event}); stored unmatched", SubscriptionId, update.EventName);
        return new SubscriptionApplied(BillingEventOutcomes.Unmatched, null);
    }

    /// <summary>Not newer: nothing changes, except that a subscriber named for the first time is linked.</summary>
    private async Task<SubscriptionApplied> KeepCurrentAsync(SubscriptionState current, SubscriptionUpdate update, long? userId)
    {
        var same = SubscriptionRules.Compare(update.State, current) == 0;
        if (current.UserId is null && userId is not null)
        {
            await store.LinkUserAsync(SubscriptionId, userId.Value);
            _state = current = current with { UserId = userId };
            same = true; // the subscriber's grain has never been told
        }

        if (same && current.UserId is { } subscriber)
        {
            // A redelivery of the applied state, perhaps because telling the user's side failed last time: tell it again.
            await GrainFactory.GetGrain<IUserSubscriptionsGrain>(subscriber).Changed(current);
        }

        var outcome = !same ? BillingEventOutcomes.Stale
            : update.EventId is not null && update.EventId == _lastEventId ? BillingEventOutcomes.Applied // a retry of the event that set it
            : BillingEventOutcomes.Duplicate;
        return new SubscriptionApplied(outcome, current.UserId);
    }

    private async Task<long?> ExistingUserAsync(long? userId) =>
        userId is { } id && await GrainFactory.GetGrain<IUserGrain>(id).Exists() ? id : null;
}
