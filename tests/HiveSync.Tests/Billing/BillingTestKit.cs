using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Grains.Billing;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Billing;

/// <summary>
/// A silo with billing configured against a <see cref="FakeLemonSqueezy"/> on loopback, and the webhook secret
/// set. The variants are those of the shipped payloads, so real bodies map to tiers.
/// </summary>
public class BillingSilo : TestSilo, IAsyncLifetime
{
    public const string WebhookSecret = "test-webhook-secret-9d2f";
    public const string ApiKey = "test-lemonsqueezy-api-key";
    public const string StoreId = "162352";
    public const long ProMonthly = 730358;     // subscription_created.test-mode-captured
    public const long ProYearly = 2;           // subscription_created.docs-example
    public const long PremiumMonthly = 440001;
    public const long PremiumYearly = 333;     // subscription_updated.cancelled.kronup

    public FakeLemonSqueezy LemonSqueezy { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Billing:ApiBaseUrl", LemonSqueezy.BaseAddress.ToString()),
        new("Billing:ApiKey", ApiKey),
        new("Billing:StoreId", StoreId),
        new("Billing:Variants:Pro:Monthly", ProMonthly.ToString(CultureInfo.InvariantCulture)),
        new("Billing:Variants:Pro:Yearly", ProYearly.ToString(CultureInfo.InvariantCulture)),
        new("Billing:Variants:Premium:Monthly", PremiumMonthly.ToString(CultureInfo.InvariantCulture)),
        new("Billing:Variants:Premium:Yearly", PremiumYearly.ToString(CultureInfo.InvariantCulture)),
        new("Billing:ApiTimeout", "00:00:20"), // far beyond a loaded machine's slowest answer: only the time-out tests time out
        new("Billing:EventRetryDelay", "00:00:00"), // a failed event is due again at once (the tests trigger the retry)
        new("Billing:EventRetryPeriod", "01:00:00"), // no retry tick of its own within a test run: the tests trigger it
        new(Grains.Interfaces.Billing.BillingOptions.WebhookSecretVariable, WebhookSecret),
        .. ExtraSettings,
    ];

    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    async Task IAsyncLifetime.InitializeAsync()
    {
        await LemonSqueezy.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await LemonSqueezy.DisposeAsync();
    }
}

/// <summary>A billing silo that gives up on LemonSqueezy after the shortest time-out allowed, for the tests of that time-out.</summary>
public sealed class ShortApiTimeoutBillingSilo : BillingSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Billing:ApiTimeout", "00:00:01")];
}

/// <summary>One row of <c>billing_events</c>.</summary>
public sealed record BillingEventRow(long Id, string? EventName, byte[] Body, string? SubscriptionId, long? UserId, int Attempts, DateTime? ProcessedAt, string? Outcome, string? LastError);

/// <summary>One row of <c>subscriptions</c>.</summary>
public sealed record SubscriptionDbRow(string Id, long? UserId, long VariantId, string? Tier, string Status, DateTime? EndsAt, DateTime ProviderUpdatedAt);

/// <summary>Webhook bodies (the shipped real ones, or made from them), signing, delivery and database look-ups.</summary>
public static class BillingTestKit
{
    public const string DocsExample = "subscription_created.docs-example.json";
    public const string CapturedCreated = "subscription_created.test-mode-captured.repaired.json";
    public const string PaymentSuccess = "subscription_payment_success.kronup.json";
    public const string UpdatedCancelled = "subscription_updated.cancelled.kronup.json";

    public static IReadOnlyList<string> ShippedPayloads { get; } = [DocsExample, CapturedCreated, PaymentSuccess, UpdatedCancelled];

    /// <summary>A shipped payload's exact bytes.</summary>
    public static byte[] Payload(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Billing", "Payloads", file));

    public static string Sign(byte[] body, string secret = BillingSilo.WebhookSecret) => WebhookSignature.Sign(secret, body);

    /// <summary>A webhook delivery of exact bytes with the given signature (default: signed with the test secret).</summary>
    public static TestRequest Delivery(byte[] body, string? signature = "", string? eventName = null)
    {
        var headers = new Dictionary<string, string>();
        if (signature is not null)
        {
            headers["X-Signature"] = signature.Length == 0 ? Sign(body) : signature;
        }

        if (eventName is not null)
        {
            headers["X-Event-Name"] = eventName;
        }

        return new TestRequest(HttpMethod.Post, "/api/v1/billing/webhook") { BodyBytes = body, Headers = headers };
    }

    public static Task<HttpResponseMessage> DeliverAsync(this HttpClient http, byte[] body, string? signature = "", string? eventName = null) =>
        http.SendAsync(Delivery(body, signature, eventName));

    public static Task<HttpResponseMessage> DeliverAsync(this TestSilo silo, byte[] body, string? signature = "", string? eventName = null) =>
        silo.Http.DeliverAsync(body, signature, eventName);

    /// <summary>Delivers a correctly signed body and asserts the 200 acknowledgement.</summary>
    public static async Task DeliverOkAsync(this HttpClient http, byte[] body)
    {
        using var response = await http.DeliverAsync(body);
        await response.AssertReceivedAsync();
    }

    public static Task DeliverOkAsync(this TestSilo silo, byte[] body) => silo.Http.DeliverOkAsync(body);

    /// <summary>Asserts the webhook's 200 acknowledgement.</summary>
    public static async Task AssertReceivedAsync(this HttpResponseMessage response)
    {
        var json = await response.AssertOkJsonAsync();
        Assert.True(json["data"]!["received"]!.GetValue<bool>());
    }

    /// <summary>
    /// A subscription event made from a shipped subscription payload: the given subscription, user (as
    /// <c>custom_data.user_id</c>), variant, status and times; <c>updated_at</c> orders the states. A live-mode
    /// event (a real purchase) unless <paramref name="testMode"/> says otherwise.
    /// </summary>
    public static byte[] SubscriptionEvent(
        string eventName,
        string subscriptionId,
        long? userId,
        long variantId,
        string status,
        DateTimeOffset updatedAt,
        DateTimeOffset? renewsAt = null,
        DateTimeOffset? endsAt = null,
        string template = CapturedCreated,
        bool testMode = false)
    {
        var root = JsonNode.Parse(Payload(template))!;
        root["meta"]!["event_name"] = eventName;
        root["meta"]!["custom_data"] = userId is null ? null : new JsonObject { ["user_id"] = userId.Value };
        var data = root["data"]!;
        data["id"] = subscriptionId;
        var a = data["attributes"]!;
        a["variant_id"] = variantId;
        a["status"] = status;
        a["cancelled"] = status is "cancelled" or "expired";
        a["updated_at"] = FakeLemonSqueezy.Stamp(updatedAt);
        a["renews_at"] = renewsAt is null ? null : FakeLemonSqueezy.Stamp(renewsAt.Value);
        a["ends_at"] = endsAt is null ? null : FakeLemonSqueezy.Stamp(endsAt.Value);
        return EventOrigin.WithOrigin(Encoding.UTF8.GetBytes(root.ToJsonString()), EventOrigin.TestStore, testMode);
    }

    /// <summary>The webhook LemonSqueezy sends for the state it has of a subscription (what a plan change answered, say).</summary>
    public static byte[] SubscriptionEvent(string eventName, FakeSubscription state, long? userId) =>
        SubscriptionEvent(eventName, state.Id, userId, state.VariantId, state.Status, state.UpdatedAt, state.RenewsAt, state.EndsAt);

    /// <summary>
    /// A user's subscription as both sides know it: LemonSqueezy's record in the stand-in, and an earlier webhook
    /// (stamped <paramref name="seenAt"/>, without a renewal date) that told HiveSync of it. Returns the subscription id.
    /// </summary>
    public static async Task<string> SubscribeAsync(this BillingSilo silo, long userId, long variantId, string status, DateTimeOffset seenAt, DateTimeOffset? endsAt = null)
    {
        var subscriptionId = NewSubscriptionId();
        silo.LemonSqueezy.Subscribe(subscriptionId, variantId, status, endsAt);
        await silo.DeliverOkAsync(SubscriptionEvent("subscription_updated", subscriptionId, userId, variantId, status, seenAt, endsAt: endsAt));
        return subscriptionId;
    }

    /// <summary>A payment event (the shipped invoice body) for a subscription.</summary>
    public static byte[] PaymentEvent(string subscriptionId, string invoiceId)
    {
        var root = JsonNode.Parse(Payload(PaymentSuccess))!;
        root["data"]!["id"] = invoiceId;
        root["data"]!["attributes"]!["subscription_id"] = long.Parse(subscriptionId, CultureInfo.InvariantCulture);
        return EventOrigin.Live(Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    public static string NewSubscriptionId() => Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    public static async Task<JsonNode> UserMeAsync(this TestSilo silo, SignedIn user)
    {
        using var response = await silo.GetAsync("/api/v1/user/me", user.AccessToken);
        return await response.AssertOkJsonAsync();
    }

    public static async Task<IReadOnlyList<BillingEventRow>> BillingEventsAsync(this TestSilo silo, string? subscriptionId = null)
    {
        await using var db = await silo.OpenDatabaseAsync();
        var rows = await db.QueryAsync<BillingEventRow>(
            """
            SELECT id AS Id, event_name AS EventName, body AS Body, subscription_id AS SubscriptionId, user_id AS UserId, attempts AS Attempts,
                   processed_at AS ProcessedAt, outcome AS Outcome, last_error AS LastError
            FROM billing_events WHERE @subscriptionId::text IS NULL OR subscription_id = @subscriptionId ORDER BY id
            """,
            new { subscriptionId });
        return rows.AsList();
    }

    public static async Task<BillingEventRow?> BillingEventAsync(this TestSilo silo, byte[] body)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleOrDefaultAsync<BillingEventRow>(
            """
            SELECT id AS Id, event_name AS EventName, body AS Body, subscription_id AS SubscriptionId, user_id AS UserId, attempts AS Attempts,
                   processed_at AS ProcessedAt, outcome AS Outcome, last_error AS LastError
            FROM billing_events WHERE body = @body
            """,
            new { body });
    }

    public static async Task<SubscriptionDbRow?> SubscriptionRowAsync(this TestSilo silo, string subscriptionId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleOrDefaultAsync<SubscriptionDbRow>(
            """
            SELECT id AS Id, user_id AS UserId, variant_id AS VariantId, tier AS Tier, status AS Status, ends_at AS EndsAt, provider_updated_at AS ProviderUpdatedAt
            FROM subscriptions WHERE id = @subscriptionId
            """,
            new { subscriptionId });
    }

    public static async Task<long> CountAsync(this TestSilo silo, string table)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
    }

    /// <summary>Asserts the user object's tier and subscription fields.</summary>
    public static void AssertSubscription(JsonNode user, string tier, string? status, string? subscriptionId, DateTimeOffset? renewsAt, DateTimeOffset? endsAt)
    {
        AuthTestKit.AssertExactKeys(user, AuthTestKit.UserObjectKeys);
        Assert.Equal(tier, user["tier"]!.GetValue<string>());
        Assert.Equal(status, user["subscription_status"]?.GetValue<string>());
        Assert.Equal(subscriptionId, user["subscription_id"]?.GetValue<string>());
        Assert.Equal(renewsAt, user["renews_at"] is null ? null : AuthTestKit.AssertUtcTimestamp(user["renews_at"]));
        Assert.Equal(endsAt, user["ends_at"] is null ? null : AuthTestKit.AssertUtcTimestamp(user["ends_at"]));
    }

    /// <summary>A time in whole seconds (LemonSqueezy's precision), so it round-trips exactly.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset value) => new(value.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>500 <c>BILLING_PROVIDER_ERROR</c> with the reason, and nothing of LemonSqueezy's own answer.</summary>
    public static async Task AssertProviderErrorAsync(this HttpResponseMessage response, string reason)
    {
        var error = await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "BILLING_PROVIDER_ERROR");
        Assert.Equal(reason, error["details"]!["reason"]!.GetValue<string>());
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(FakeLemonSqueezy.UpstreamOnlyText, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unprocessable", text, StringComparison.Ordinal);
        Assert.DoesNotContain("html", text, StringComparison.OrdinalIgnoreCase);
    }

    public static async Task AssertWebhookRefusedAsync(this HttpResponseMessage response) =>
        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "WEBHOOK_SIGNATURE_INVALID");
}
