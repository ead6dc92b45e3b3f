namespace HiveSync.Grains.Interfaces.Billing;

/// <summary>
/// One user's LemonSqueezy subscriptions (keyed by user id), as their subscription grains last applied them: what
/// checkout and plan changes check against, and the one place that turns them into the user's plan and hands it to
/// the user's grain (billing depends on accounts, never the reverse).
/// </summary>
public interface IUserSubscriptionsGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<SubscriptionState>> GetAll();

    /// <summary>A subscription grain applied a newer state of one of this user's subscriptions (or is telling again).</summary>
    Task Changed(SubscriptionState state);

    /// <summary>Hands the plan over again (start-up catch-up of plans not yet handed over).</summary>
    Task SyncPlan();
}
