using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Billing;

/// <summary>
/// A cache of one user's rows in <c>subscriptions</c> (written by their <see cref="SubscriptionGrain"/>s). After each
/// change it computes the plan they grant (<see cref="SubscriptionRules.PlanTimeline"/>) and hands it to the user's
/// grain, then notes the hand-over (<c>plan_synced_at</c>) so that a failed one is caught up at the next start.
/// One activation per user: changes are handed over in the order they happened.
/// </summary>
public sealed class UserSubscriptionsGrain(BillingStore store, AuditLog audit, DomainClock clock) : Grain, IUserSubscriptionsGrain
{
    private readonly Dictionary<string, SubscriptionState> _subscriptions = [];

    private long UserId => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => new(clock.UtcNow);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in await store.LoadSubscriptionsOfUserAsync(UserId))
        {
            _subscriptions[subscription.SubscriptionId] = subscription;
        }
    }

    public Task<IReadOnlyList<SubscriptionState>> GetAll() => Task.FromResult<IReadOnlyList<SubscriptionState>>([.. _subscriptions.Values]);

    public async Task Changed(SubscriptionState state)
    {
        if (state.UserId != UserId)
        {
            return; // not this user's
        }

        // The row is already stored by the subscription's grain: memory follows what storage holds.
        var isNew = !_subscriptions.ContainsKey(state.SubscriptionId);
        _subscriptions[state.SubscriptionId] = state;

        // Two live subscriptions mean the user pays twice (e.g. two checkouts opened side by side and both paid): flag it for support.
        var now = Now;
        var others = _subscriptions.Values.Where(s => s.SubscriptionId != state.SubscriptionId && SubscriptionRules.IsLive(s, now)).Select(s => s.SubscriptionId).ToList();
        if (isNew && SubscriptionRules.IsLive(state, now) && others.Count > 0)
        {
            await audit.WriteAsync(new AuditEntry(AuditActions.SubscriptionDuplicate, UserId, null, "subscription", state.SubscriptionId, new { other_live_subscriptions = others }));
        }

        await SyncPlan();
    }

    public async Task SyncPlan()
    {
        await GrainFactory.GetGrain<IUserGrain>(UserId).SetPlan(SubscriptionRules.PlanTimeline(_subscriptions.Values, Now));
        await store.MarkPlanSyncedAsync(UserId, clock.UtcNow);
    }
}
