using HiveSync.Grains.Interfaces.Limits;

namespace HiveSync.Grains.Interfaces.Billing;

/// <summary>What can be bought: a paid tier and a billing cycle.</summary>
public static class BillingPlans
{
    public const string Monthly = "monthly";
    public const string Yearly = "yearly";

    public static IReadOnlyList<string> Cycles { get; } = [Monthly, Yearly];
}

/// <summary>The tiers that can be bought.</summary>
public static class PaidTiers
{
    public const string Pro = Tiers.Pro;
    public const string Premium = Tiers.Premium;
}

/// <summary>Subscription statuses as clients see them (the plan's vocabulary; <c>SubscriptionRules.ApiStatus</c> maps to them).</summary>
public static class ApiSubscriptionStatuses
{
    public const string Active = "active";
    public const string PastDue = "past_due";
    public const string Canceled = "canceled";
    public const string Paused = "paused";
    public const string Expired = "expired";
}

/// <summary>LemonSqueezy's subscription statuses (its spelling), as stored.</summary>
public static class SubscriptionStatuses
{
    public const string OnTrial = "on_trial";
    public const string Active = "active";
    public const string Paused = "paused";
    public const string PastDue = "past_due";
    public const string Unpaid = "unpaid";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
}

/// <summary>
/// One LemonSqueezy subscription as HiveSync last applied it. <see cref="UpdatedAt"/> (LemonSqueezy's) orders
/// states; <see cref="TieBreak"/> orders two different states with the same <see cref="UpdatedAt"/>.
/// <see cref="Tier"/> is what <see cref="VariantId"/> sold when the state was applied (null: not a HiveSync plan).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SubscriptionState(
    string SubscriptionId,
    long? UserId,
    long VariantId,
    string? Tier,
    string? BillingCycle,
    string Status,
    bool Cancelled,
    DateTimeOffset? RenewsAt,
    DateTimeOffset? EndsAt,
    DateTimeOffset? TrialEndsAt,
    DateTimeOffset UpdatedAt,
    long TieBreak,
    long? StoreId,
    long? CustomerId,
    long? ProductId,
    bool TestMode,
    DateTimeOffset? CreatedAt);

/// <summary>A subscription state to apply: from a webhook event (with its id) or from LemonSqueezy's API answer.</summary>
/// <param name="UserIdHint">The user named in the event's <c>custom_data</c>, when it names one.</param>
[GenerateSerializer, Immutable]
public sealed record SubscriptionUpdate(long? EventId, string EventName, SubscriptionState State, long? UserIdHint);

/// <summary>What applying a state did (a <see cref="BillingEventOutcomes"/> value) and whose subscription it is.</summary>
[GenerateSerializer, Immutable]
public sealed record SubscriptionApplied(string Outcome, long? UserId);

/// <summary>What applying an event did; stored as the event's outcome.</summary>
public static class BillingEventOutcomes
{
    /// <summary>The state was newer and is now the subscription's.</summary>
    public const string Applied = "applied";

    /// <summary>Newer and stored, but no HiveSync user could be found for the subscription (yet).</summary>
    public const string Unmatched = "unmatched";

    /// <summary>Exactly the state already applied (a redelivery).</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Older than the state already applied (out of order); nothing changed.</summary>
    public const string Stale = "stale";

    /// <summary>A payment event: kept for the record, it carries no subscription state.</summary>
    public const string Recorded = "recorded";

    /// <summary>An event type HiveSync does not use, or one of another store or in test mode (audited with the reason).</summary>
    public const string Ignored = "ignored";

    /// <summary>Signed correctly but not a LemonSqueezy event HiveSync can read.</summary>
    public const string Invalid = "invalid";

    /// <summary>Processing failed <c>Billing:EventMaxAttempts</c> times; kept for an admin.</summary>
    public const string Failed = "failed";
}

/// <summary>The answer of <c>start-checkout</c>: LemonSqueezy's hosted checkout.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckoutStarted(string CheckoutUrl);

/// <summary>A webhook request as received: the raw body bytes (the signature covers them) and the headers that matter.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookDelivery(byte[] Body, string? Signature, string? EventNameHeader);

public enum WebhookVerdict
{
    /// <summary>Signature verified, event stored (or already stored).</summary>
    Accepted,

    /// <summary>Missing or wrong signature: nothing stored, nothing changed.</summary>
    SignatureInvalid,

    /// <summary><c>LZ_WEBHOOK_SECRET</c> is not set: nothing can be verified.</summary>
    NotConfigured,
}

[GenerateSerializer, Immutable]
public sealed record WebhookReceipt(WebhookVerdict Verdict, long? EventId = null);
