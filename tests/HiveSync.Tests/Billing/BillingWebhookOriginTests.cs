using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static HiveSync.Tests.Billing.BillingTestKit;
using static HiveSync.Tests.Billing.EventOrigin;

namespace HiveSync.Tests.Billing;

/// <summary>
/// Only live events of <c>Billing:StoreId</c> are purchases (the production default). Others are answered 200,
/// so LemonSqueezy does not retry what cannot change, stored as <c>ignored</c>, audited once, and change no tier.
/// </summary>
public sealed class BillingWebhookOriginTests(BillingSilo silo) : IClassFixture<BillingSilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    [Fact]
    public async Task A_live_event_of_the_configured_store_is_applied()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var body = Live(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.PremiumMonthly, "active", Base));

        await silo.DeliverOkAsync(body);

        Assert.Equal("applied", (await silo.BillingEventAsync(body))!.Outcome);
        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_test_mode_purchase_is_acknowledged_stored_as_ignored_audited_once_and_grants_no_tier()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var body = WithOrigin(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.PremiumMonthly, "active", Base), TestStore, testMode: true);

        await silo.DeliverOkAsync(body);
        await silo.DeliverOkAsync(body); // LemonSqueezy resends: still one row, one audit entry

        await AssertIgnoredAsync(body, "test_mode", sub, testMode: true, TestStore);
        Assert.Null(await silo.SubscriptionRowAsync(sub));
        AssertSubscription(await silo.UserMeAsync(user), "free", null, null, null, null);
    }

    [Fact]
    public async Task The_real_captured_test_mode_delivery_of_the_configured_store_is_ignored()
    {
        var body = Payload(CapturedCreated); // meta.test_mode: true, store_id 162352 (= Billing:StoreId here)

        await silo.DeliverOkAsync(body);

        await AssertIgnoredAsync(body, "test_mode", "1067566", testMode: true, TestStore);
        Assert.Null(await silo.SubscriptionRowAsync("1067566"));
    }

    [Theory]
    [InlineData(true, false)] // what LemonSqueezy documents: meta.test_mode
    [InlineData(false, true)] // the resource's own flag counts too
    public async Task Either_test_mode_flag_makes_an_event_a_test_one(bool meta, bool resource)
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var root = JsonNode.Parse(Live(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProMonthly, "active", Base)))!;
        root["meta"]!["test_mode"] = meta;
        root["data"]!["attributes"]!["test_mode"] = resource;
        var body = Encoding.UTF8.GetBytes(root.ToJsonString());

        await silo.DeliverOkAsync(body);

        await AssertIgnoredAsync(body, "test_mode", sub, testMode: true, TestStore);
        Assert.Equal("free", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_test_mode_payment_is_ignored_and_a_live_one_recorded()
    {
        var sub = NewSubscriptionId();
        var test = WithOrigin(PaymentEvent(sub, "7001"), TestStore, testMode: true);
        var live = Live(PaymentEvent(sub, "7002"));

        await silo.DeliverOkAsync(test);
        await silo.DeliverOkAsync(live);

        await AssertIgnoredAsync(test, "test_mode", sub, testMode: true, TestStore);
        Assert.Equal("recorded", (await silo.BillingEventAsync(live))!.Outcome);
    }

    [Theory]
    [InlineData(999L)]
    [InlineData(null)] // no store_id at all: it cannot be shown to be ours
    public async Task A_live_event_of_another_store_is_ignored_and_audited(long? storeId)
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var body = WithOrigin(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.PremiumYearly, "active", Base), storeId, testMode: false);

        await silo.DeliverOkAsync(body);

        await AssertIgnoredAsync(body, "foreign_store", sub, testMode: false, storeId);
        Assert.Null(await silo.SubscriptionRowAsync(sub));
        Assert.Equal("free", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_documentation_example_of_store_2_is_ignored_as_another_store()
    {
        var body = Payload(DocsExample); // live, store_id 2

        await silo.DeliverOkAsync(body);

        await AssertIgnoredAsync(body, "foreign_store", "1", testMode: false, storeId: 2);
        Assert.Null(await silo.SubscriptionRowAsync("1"));
    }

    [Fact]
    public async Task A_newer_refused_event_does_not_change_an_applied_subscription()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var renews = Seconds(DateTimeOffset.UtcNow.AddDays(30));
        await silo.DeliverOkAsync(Live(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.PremiumMonthly, "active", Base, renewsAt: renews)));

        // Newer states that would end the subscription, from a test-mode webhook and from another store.
        var expired = SubscriptionEvent("subscription_expired", sub, user.UserId, BillingSilo.PremiumMonthly, "expired", Base.AddMinutes(1), renewsAt: renews, endsAt: Base);
        await silo.DeliverOkAsync(WithOrigin(expired, TestStore, testMode: true));
        await silo.DeliverOkAsync(WithOrigin(expired, 4242, testMode: false));

        AssertSubscription(await silo.UserMeAsync(user), "premium", "active", sub, renews, null);
        Assert.Equal(Base.UtcDateTime, (await silo.SubscriptionRowAsync(sub))!.ProviderUpdatedAt);
    }

    private async Task AssertIgnoredAsync(byte[] body, string reason, string subscriptionId, bool testMode, long? storeId)
    {
        var row = (await silo.BillingEventAsync(body))!;
        Assert.Equal("ignored", row.Outcome);
        Assert.NotNull(row.ProcessedAt);
        Assert.Null(row.UserId);
        Assert.Equal(subscriptionId, row.SubscriptionId);

        var audit = Assert.Single(await silo.AuditRowsAsync("billing.event.ignored", subjectId: row.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.Null(audit.ActorUserId);
        var details = JsonDocument.Parse(audit.Details).RootElement;
        Assert.Equal(reason, details.GetProperty("reason").GetString());
        Assert.Equal(testMode, details.GetProperty("test_mode").GetBoolean());
        var store = details.GetProperty("store_id");
        Assert.Equal(storeId, store.ValueKind == JsonValueKind.Null ? null : store.GetInt64());
    }
}

/// <summary>A staging silo: <c>Billing:AllowTestMode</c> on, so LemonSqueezy's test purchases grant tiers.</summary>
public sealed class StagingBillingSilo : BillingSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Billing:AllowTestMode", "true")];
}

public sealed class BillingTestModeAllowedTests(StagingBillingSilo silo) : IClassFixture<StagingBillingSilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    [Fact]
    public async Task With_test_mode_allowed_a_test_purchase_of_the_configured_store_grants_its_tier()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var body = WithOrigin(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProMonthly, "active", Base), TestStore, testMode: true);

        await silo.DeliverOkAsync(body);

        Assert.Equal("applied", (await silo.BillingEventAsync(body))!.Outcome);
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_test_mode_allowed_a_test_purchase_of_another_store_is_still_ignored()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var body = WithOrigin(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProMonthly, "active", Base), 111, testMode: true);

        await silo.DeliverOkAsync(body);

        Assert.Equal("ignored", (await silo.BillingEventAsync(body))!.Outcome);
        Assert.Equal("free", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }
}

/// <summary>The store and the webhook secret are checked when a silo starts.</summary>
public sealed class BillingOriginSettingsTests
{
    private const string StrongSecret = "0123456789abcdef0123456789abcdef"; // 32 characters

    [Fact]
    public async Task A_webhook_secret_without_a_store_id_stops_start_up_naming_billing_store_id()
    {
        var error = await InvalidSetting.AssertStartUpFailsAsync(BillingOptions.WebhookSecretVariable, StrongSecret);

        Assert.Contains(error.Failures, f => f.Contains("Billing:StoreId", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task A_store_id_that_is_not_a_positive_number_stops_start_up(string storeId)
    {
        var error = await InvalidSetting.AssertStartUpFailsAsync("Billing:StoreId", storeId);

        Assert.Contains(error.Failures, f => f.Contains("Billing:StoreId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_webhook_secret_shorter_than_32_characters_and_allowed_test_mode_are_warned_about_at_start_up()
    {
        var warnings = await StartUpWarningsAsync(new()
        {
            [BillingOptions.WebhookSecretVariable] = StrongSecret[..31],
            ["Billing:StoreId"] = BillingSilo.StoreId,
            ["Billing:AllowTestMode"] = "true",
        });

        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains(BillingOptions.WebhookSecretVariable, StringComparison.Ordinal) && w.Contains("31 characters", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Billing:AllowTestMode", StringComparison.Ordinal));
        Assert.DoesNotContain(StrongSecret[..31], string.Join('\n', warnings), StringComparison.Ordinal); // the secret itself is never logged
    }

    [Fact]
    public async Task A_webhook_secret_of_32_characters_is_not_warned_about()
    {
        var warnings = await StartUpWarningsAsync(new()
        {
            [BillingOptions.WebhookSecretVariable] = StrongSecret,
            ["Billing:StoreId"] = BillingSilo.StoreId,
        });

        Assert.Empty(warnings);
    }

    /// <summary>Starts a silo with these settings and returns the billing warnings it logged while starting.</summary>
    private static async Task<IReadOnlyList<string>> StartUpWarningsAsync(Dictionary<string, string?> billing)
    {
        var captured = new CapturedLog();
        await using var host = await TestSilo.BuildHostAsync([new("ConnectionStrings:Postgres", await TestPostgres.CreateDatabaseAsync("billing-warnings")), .. billing]);
        host.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(captured);
        await host.App.StartAsync();
        await host.App.StopAsync();
        return captured.Warnings("HiveSync.Grains.Billing");
    }
}
