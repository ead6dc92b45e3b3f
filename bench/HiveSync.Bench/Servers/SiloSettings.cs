using System.Globalization;
using System.Security.Cryptography;
using Groups = HiveSync.Grains.Interfaces.Limits.RateLimitGroups;

namespace HiveSync.Bench.Servers;

/// <summary>
/// What every silo of one run shares (database, cluster ids, signing key, billing) and the environment variables
/// that configure a silo with it. Limits that would refuse the load are raised out of the way; what is measured
/// (PBKDF2 at its default iterations, the rate-limit grain call every request makes) is left as shipped.
/// </summary>
public sealed class SiloSettings
{
    /// <summary>Far above any rate wrk reaches: the rate-limit check still runs, it just never refuses.</summary>
    private const string Unlimited = "100000000";

    private static readonly string[] RateLimitGroups =
    [
        Groups.Default, Groups.Auth, Groups.User, Groups.Profile, Groups.Billing, Groups.Projects, Groups.Notifications, Groups.Search, Groups.BillingWebhook,
    ];

    private static readonly string[] TierSections = ["Free", "Pro", "Premium"];

    public SiloSettings(string connectionString, string runId, string mailDirectory)
    {
        MailDirectory = mailDirectory;
        ConnectionString = connectionString;
        ClusterId = $"bench-{runId}";
        SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        WebhookSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)); // 40 characters, LemonSqueezy's maximum
    }

    public const long StoreId = 424242;

    public static readonly BillingVariants Variants = new(ProMonthly: 910001, ProYearly: 910002, PremiumMonthly: 910003, PremiumYearly: 910004);

    public string ConnectionString { get; }

    /// <summary>Where the silos write the registrations' verification emails (no SMTP relay in a bench run).</summary>
    public string MailDirectory { get; }

    public string ClusterId { get; }

    public string SigningKey { get; }

    public string WebhookSecret { get; }

    public IReadOnlyDictionary<string, string> Environment(int httpPort, int siloPort)
    {
        var env = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["ConnectionStrings__Postgres"] = ConnectionString,
            ["Orleans__SiloPort"] = Text(siloPort),
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ClusterId,
            ["Auth__SigningKey"] = SigningKey,
            ["Auth__AccessTokenLifetime"] = "01:00:00", // the longest allowed: tokens from seeding outlive the whole run
            ["LoginGuard__FailuresPerWindow"] = "10000", // the largest allowed; with the shortest window below, never reached
            ["LoginGuard__WindowSeconds"] = "10",
            ["LZ_WEBHOOK_SECRET"] = WebhookSecret,
            ["Email__PickupDirectory"] = MailDirectory,
            ["Billing__StoreId"] = Text(StoreId),
            ["Billing__Variants__Pro__Monthly"] = Text(Variants.ProMonthly),
            ["Billing__Variants__Pro__Yearly"] = Text(Variants.ProYearly),
            ["Billing__Variants__Premium__Monthly"] = Text(Variants.PremiumMonthly),
            ["Billing__Variants__Premium__Yearly"] = Text(Variants.PremiumYearly),
        };
        foreach (var group in RateLimitGroups)
        {
            env[$"RateLimits__AnonymousPerMinute__{group}"] = Unlimited;
            foreach (var tier in TierSections)
            {
                env[$"Tiers__{tier}__RequestsPerMinute__{group}"] = Unlimited;
            }
        }

        return env;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The LemonSqueezy variant of each tier × cycle the silos are configured with (all distinct).</summary>
public sealed record BillingVariants(long ProMonthly, long ProYearly, long PremiumMonthly, long PremiumYearly)
{
    public IReadOnlyList<long> All => [ProMonthly, ProYearly, PremiumMonthly, PremiumYearly];
}
