using System.Globalization;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Billing;

/// <summary>
/// Section <c>Billing</c>: the LemonSqueezy account HiveSync sells through, the variant of each tier × cycle,
/// and how webhook events are retried. The webhook signing secret is the environment variable
/// <c>LZ_WEBHOOK_SECRET</c> (the plan's name), never this section.
/// </summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>Configuration key (an environment variable in production) of the webhook signing secret.</summary>
    public const string WebhookSecretVariable = "LZ_WEBHOOK_SECRET";

    /// <summary>LemonSqueezy asks for a signing secret of 6 to 40 characters.</summary>
    public const int WebhookSecretMinLength = 6;

    /// <summary>Shorter secrets are accepted (LemonSqueezy allows them) but warned about at start-up: HMAC keys this short can be guessed offline from one signed body.</summary>
    public const int WebhookSecretRecommendedLength = 32;

    /// <summary>Set from <see cref="WebhookSecretVariable"/>; without it every webhook delivery is refused (503).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>LemonSqueezy's API; https, or http on a loopback address (tests stand in for it there).</summary>
    public string ApiBaseUrl { get; set; } = "https://api.lemonsqueezy.com";

    /// <summary>LemonSqueezy API key (a test-mode key creates test-mode checkouts). Empty: checkout is off (503).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The LemonSqueezy store HiveSync sells through: checkouts are created in it, and webhook events of any other
    /// store are ignored. Required with <c>Billing:ApiKey</c> or <c>LZ_WEBHOOK_SECRET</c>.
    /// </summary>
    public string? StoreId { get; set; }

    /// <summary>
    /// Whether LemonSqueezy test-mode events (<c>meta.test_mode: true</c>) grant tiers. Off (the default) they are
    /// acknowledged and ignored: a production server never sells with test cards. On for staging only.
    /// </summary>
    public bool AllowTestMode { get; set; }

    /// <summary>How long a call to LemonSqueezy may take before the caller gets <c>BILLING_PROVIDER_ERROR</c>.</summary>
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A checkout link stops working after this long, so an old link cannot start a second subscription later.</summary>
    public TimeSpan CheckoutLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where LemonSqueezy sends the buyer after paying (optional; LemonSqueezy's own page otherwise).</summary>
    public string? CheckoutRedirectUrl { get; set; }

    /// <summary>The variant of each tier and billing cycle (<c>Billing:Variants:Pro:Monthly</c>, ...).</summary>
    public TierVariants Variants { get; set; } = new();

    /// <summary>Variants no longer sold whose subscribers keep their tier: variant id → <c>pro</c> or <c>premium</c>.</summary>
    public Dictionary<string, string> RetiredVariants { get; set; } = [];

    /// <summary>An event whose processing failed is retried first after this long, then with doubling delays.</summary>
    public TimeSpan EventRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest delay between two attempts at one event.</summary>
    public TimeSpan EventRetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts at one event before it is marked <c>failed</c> (kept, logged and audited for an admin).</summary>
    public int EventMaxAttempts { get; set; } = 50;

    /// <summary>How often the reminder looks for events due for another attempt (Orleans reminders: 1 minute at least).</summary>
    public TimeSpan EventRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Events retried per reminder tick.</summary>
    public int EventRetryBatchSize { get; set; } = 100;

    /// <summary>The <c>Event*</c> settings above as the stored-work options of billing events.</summary>
    public StoredWorkOptions EventWork => new()
    {
        RetryDelay = EventRetryDelay,
        RetryMaxDelay = EventRetryMaxDelay,
        MaxAttempts = EventMaxAttempts,
        RetryPeriod = EventRetryPeriod,
        RetryBatchSize = EventRetryBatchSize,
    };

    /// <summary>The names of those settings, older than the stored-work piece and kept for existing configurations.</summary>
    public static readonly StoredWorkSettings EventWorkSettings = new(
        "Billing:EventRetryDelay", "Billing:EventRetryMaxDelay", "Billing:EventMaxAttempts", "Billing:EventRetryPeriod", "Billing:EventRetryBatchSize");

    /// <summary>Checkout needs the API key, the store and all four variants.</summary>
    public bool CheckoutConfigured =>
        !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(StoreId) && Variants.All().All(v => v.VariantId is not null);

    /// <summary><see cref="StoreId"/> as LemonSqueezy's number; null when unset or not a positive number.</summary>
    public long? StoreNumber =>
        long.TryParse(StoreId, NumberStyles.None, CultureInfo.InvariantCulture, out var store) && store > 0 ? store : null;

    public long? VariantFor(string tier, string billingCycle) => Variants.All().FirstOrDefault(v => v.Tier == tier && v.BillingCycle == billingCycle).VariantId;

    /// <summary>The tier and cycle a variant sells; retired variants have a tier and no cycle; unknown ones neither.</summary>
    public (string? Tier, string? BillingCycle) PlanOf(long variantId)
    {
        foreach (var (tier, cycle, id) in Variants.All())
        {
            if (id == variantId)
            {
                return (tier, cycle);
            }
        }

        return RetiredVariants.TryGetValue(variantId.ToString(CultureInfo.InvariantCulture), out var retired) && Tiers.IsPaid(retired)
            ? (retired, null)
            : (null, null);
    }

    /// <summary>Start-up validation; each problem names its setting.</summary>
    public static IEnumerable<string> Problems(BillingOptions o)
    {
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var api) || !(api.Scheme == Uri.UriSchemeHttps || (api.Scheme == Uri.UriSchemeHttp && api.IsLoopback)))
        {
            yield return "Billing:ApiBaseUrl must be an absolute https URL (http only on a loopback address).";
        }

        if (o.WebhookSecret is { } secret && secret.Length < WebhookSecretMinLength)
        {
            yield return $"{WebhookSecretVariable} must be at least {WebhookSecretMinLength} characters.";
        }

        // Without a store a webhook secret would accept purchases made in any store signed with it.
        var storeNeeded = !string.IsNullOrWhiteSpace(o.ApiKey) || o.WebhookSecret is not null;
        if ((storeNeeded || !string.IsNullOrWhiteSpace(o.StoreId)) && o.StoreNumber is null)
        {
            yield return $"Billing:StoreId must be the LemonSqueezy store id (a positive number); it is required when Billing:ApiKey or {WebhookSecretVariable} is set.";
        }

        if (!string.IsNullOrWhiteSpace(o.ApiKey))
        {
            foreach (var (tier, cycle, id) in o.Variants.All().Where(v => v.VariantId is null))
            {
                yield return $"Billing:Variants:{Capitalise(tier)}:{Capitalise(cycle)} must be set when Billing:ApiKey is set.";
            }
        }

        var configured = o.Variants.All().Where(v => v.VariantId is not null).Select(v => v.VariantId!.Value).ToList();
        if (configured.Any(v => v <= 0))
        {
            yield return "Billing:Variants: every variant id must be positive.";
        }

        if (configured.Count != configured.Distinct().Count())
        {
            yield return "Billing:Variants: each tier and cycle needs its own variant.";
        }

        foreach (var (key, tier) in o.RetiredVariants)
        {
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0 || configured.Contains(id) || !Tiers.IsPaid(tier))
            {
                yield return $"Billing:RetiredVariants:{key} must map a positive variant id that is not on sale to 'pro' or 'premium'.";
            }
        }

        if (o.CheckoutRedirectUrl is { Length: > 0 } redirect && (!Uri.TryCreate(redirect, UriKind.Absolute, out var redirectUri) || redirectUri.Scheme is not ("https" or "http")))
        {
            yield return "Billing:CheckoutRedirectUrl must be an absolute http(s) URL.";
        }

        if (o.ApiTimeout < TimeSpan.FromSeconds(1) || o.ApiTimeout > TimeSpan.FromSeconds(25))
        {
            yield return "Billing:ApiTimeout must be from 1 to 25 seconds (grain calls time out after 30).";
        }

        if (o.CheckoutLifetime < TimeSpan.FromMinutes(5) || o.CheckoutLifetime > TimeSpan.FromDays(7))
        {
            yield return "Billing:CheckoutLifetime must be from 5 minutes to 7 days.";
        }

        foreach (var problem in StoredWorkOptions.Problems(o.EventWork, EventWorkSettings))
        {
            yield return problem;
        }
    }

    /// <summary>Settings that work but that an operator should hear about at start-up.</summary>
    public static IEnumerable<string> Warnings(BillingOptions o)
    {
        if (o.WebhookSecret is { } secret && secret.Length < WebhookSecretRecommendedLength)
        {
            yield return $"{WebhookSecretVariable} has {secret.Length} characters; use {WebhookSecretRecommendedLength} to 40 random ones (LemonSqueezy's maximum is 40), since a short HMAC key can be guessed offline from one signed delivery.";
        }

        if (o.AllowTestMode)
        {
            yield return "Billing:AllowTestMode is on: LemonSqueezy test-mode purchases grant tiers. Use it on staging only.";
        }
    }

    private static string Capitalise(string value) => char.ToUpperInvariant(value[0]) + value[1..];
}

/// <summary>Variant ids per paid tier.</summary>
public sealed class TierVariants
{
    public CycleVariants Pro { get; set; } = new();

    public CycleVariants Premium { get; set; } = new();

    public IEnumerable<(string Tier, string BillingCycle, long? VariantId)> All()
    {
        yield return (Tiers.Pro, BillingPlans.Monthly, Pro.Monthly);
        yield return (Tiers.Pro, BillingPlans.Yearly, Pro.Yearly);
        yield return (Tiers.Premium, BillingPlans.Monthly, Premium.Monthly);
        yield return (Tiers.Premium, BillingPlans.Yearly, Premium.Yearly);
    }
}

/// <summary>Variant ids of one tier per billing cycle.</summary>
public sealed class CycleVariants
{
    public long? Monthly { get; set; }

    public long? Yearly { get; set; }
}
