using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Billing;

/// <summary>
/// One user's purchases (keyed by user id): starting a LemonSqueezy checkout and changing the plan of a live
/// subscription. One activation per user, so a user's plan changes never race each other.
/// </summary>
public interface IBillingAccountGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// A hosted checkout for <paramref name="tier"/> × <paramref name="billingCycle"/>. Fails with
    /// <c>SUBSCRIPTION_EXISTS</c> when the user already has a live subscription (change its plan instead).
    /// </summary>
    Task<CheckoutStarted> StartCheckout(string? tier, string? billingCycle, DeviceInfo device);

    /// <summary>Moves the user's live subscription to another variant (LemonSqueezy prorates); returns the user.</summary>
    Task<UserAccount> ChangePlan(string? tier, string? billingCycle, DeviceInfo device);
}

/// <summary>
/// The LemonSqueezy webhook's receiver (a stateless worker): verifies the signature over the raw body, stores the
/// event before anything else, then applies it (stored work). Failures of the apply step are retried later, never lost.
/// </summary>
public interface IBillingWebhookGrain : IGrainWithIntegerKey
{
    Task<WebhookReceipt> Receive(WebhookDelivery delivery);
}

/// <summary>
/// One LemonSqueezy subscription (key <c>sub-&lt;subscription id&gt;</c>): the single writer of its row, which keeps
/// only the newest state however events are duplicated or reordered, and tells the subscriber's user grain.
/// </summary>
public interface ISubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Applies the state if it is newer than the stored one.</summary>
    Task<SubscriptionApplied> Apply(SubscriptionUpdate update);
}

/// <summary>
/// The retry grain of stored webhook events (key 0; see <see cref="IStoredWorkRetryGrain"/>): a reminder that
/// survives silo restarts applies due events every <c>Billing:EventRetryPeriod</c>.
/// </summary>
public interface IBillingEventRetryGrain : IStoredWorkRetryGrain
{
}
