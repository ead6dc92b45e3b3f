using System.Globalization;
using System.Net;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;

namespace HiveSync.Tests.Billing;

public sealed class CheckoutTests(BillingSilo silo) : IClassFixture<BillingSilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    private FakeLemonSqueezy LemonSqueezy => silo.LemonSqueezy;

    [Fact]
    public async Task Start_checkout_creates_a_lemonsqueezy_checkout_with_store_variant_and_user_id_and_returns_only_its_url()
    {
        LemonSqueezy.Reset();
        var user = await silo.RegisterAsync();

        using var response = await StartCheckoutAsync(user, "{\"tier\":\"premium\",\"billing_cycle\":\"yearly\"}");

        var body = await response.AssertOkJsonAsync();
        AuthTestKit.AssertExactKeys(body, "checkout_url");
        var call = Assert.Single(LemonSqueezy.Requests);
        // Exactly the URL LemonSqueezy made up (its own checkout id and signature): nothing HiveSync could build itself.
        Assert.Equal(Assert.Single(LemonSqueezy.Checkouts).Url, body["checkout_url"]!.GetValue<string>());

        Assert.Equal(("POST", "/v1/checkouts"), (call.Method, call.Path));
        Assert.Equal($"Bearer {BillingSilo.ApiKey}", call.Headers["Authorization"]);
        Assert.Equal("application/vnd.api+json", call.Headers["Accept"]);
        Assert.StartsWith("application/vnd.api+json", call.Headers["Content-Type"], StringComparison.Ordinal);
        var data = call.Json["data"]!;
        Assert.Equal("checkouts", data["type"]!.GetValue<string>());
        Assert.Equal("stores", data["relationships"]!["store"]!["data"]!["type"]!.GetValue<string>());
        Assert.Equal(BillingSilo.StoreId, data["relationships"]!["store"]!["data"]!["id"]!.GetValue<string>());
        Assert.Equal("variants", data["relationships"]!["variant"]!["data"]!["type"]!.GetValue<string>());
        Assert.Equal(BillingSilo.PremiumYearly.ToString(CultureInfo.InvariantCulture), data["relationships"]!["variant"]!["data"]!["id"]!.GetValue<string>());
        var checkoutData = data["attributes"]!["checkout_data"]!;
        Assert.Equal(user.UserId, checkoutData["custom"]!["user_id"]!.GetValue<long>());
        Assert.Equal(user.Email, checkoutData["email"]!.GetValue<string>());
        var expires = DateTimeOffset.Parse(data["attributes"]!["expires_at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.True(expires > DateTimeOffset.UtcNow, "a checkout link expires in the future");

        var audit = Assert.Single(await silo.AuditRowsAsync("billing.checkout.created", actorUserId: user.UserId));
        Assert.Equal(BillingSilo.PremiumYearly.ToString(CultureInfo.InvariantCulture), audit.SubjectId);
    }

    [Theory]
    [InlineData("pro", "monthly", BillingSilo.ProMonthly)]
    [InlineData("pro", "yearly", BillingSilo.ProYearly)]
    [InlineData("premium", "monthly", BillingSilo.PremiumMonthly)]
    [InlineData("premium", "yearly", BillingSilo.PremiumYearly)]
    public async Task Each_tier_and_cycle_checks_out_its_own_configured_variant(string tier, string cycle, long variant)
    {
        LemonSqueezy.Reset();
        var user = await silo.RegisterAsync();

        using var response = await StartCheckoutAsync(user, $"{{\"tier\":\"{tier}\",\"billing_cycle\":\"{cycle}\"}}");

        await response.AssertOkJsonAsync();
        var call = Assert.Single(LemonSqueezy.Requests);
        Assert.Equal(variant.ToString(CultureInfo.InvariantCulture), call.Json["data"]!["relationships"]!["variant"]!["data"]!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"tier\":\"free\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\"gold\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\"PRO\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\"pro\",\"billing_cycle\":\"weekly\"}", "billing_cycle")]
    [InlineData("{\"tier\":\"pro\"}", "billing_cycle")]
    [InlineData("{}", "tier", "billing_cycle")]
    [InlineData("{\"tier\":\"pro\",\"billing_cycle\":\"monthly\",\"price\":0}", "price")]
    [InlineData("{\"tier\":null,\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":7,\"billing_cycle\":\"monthly\"}", "tier")]
    public async Task An_invalid_tier_or_cycle_is_400_naming_the_field_and_calls_nothing(string json, params string[] fields)
    {
        LemonSqueezy.Reset();
        var user = await silo.RegisterAsync();

        using var response = await StartCheckoutAsync(user, json);

        await response.AssertValidationErrorAsync(fields);
        Assert.Empty(LemonSqueezy.Requests);
    }

    [Fact]
    public async Task Start_checkout_without_signing_in_is_401()
    {
        LemonSqueezy.Reset();

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/billing/start-checkout", "{\"tier\":\"pro\",\"billing_cycle\":\"monthly\"}");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
        Assert.Empty(LemonSqueezy.Requests);
    }

    [Theory]
    [InlineData(FakeMode.Rejected, "rejected")]
    [InlineData(FakeMode.ServerError, "unavailable")]
    [InlineData(FakeMode.NoUrl, "invalid_response")]
    [InlineData(FakeMode.Truncated, "unavailable")]
    public async Task A_lemonsqueezy_failure_is_500_billing_provider_error_without_the_upstream_body(FakeMode mode, string reason)
    {
        LemonSqueezy.Reset();
        LemonSqueezy.Mode = mode;
        var user = await silo.RegisterAsync();

        using var response = await StartCheckoutAsync(user, "{\"tier\":\"pro\",\"billing_cycle\":\"monthly\"}");

        await response.AssertProviderErrorAsync(reason);
        Assert.Single(LemonSqueezy.Requests);
        Assert.Empty(await silo.AuditRowsAsync("billing.checkout.created", actorUserId: user.UserId));
    }

    [Theory]
    [InlineData("active", null)]
    [InlineData("on_trial", null)]
    [InlineData("past_due", null)]
    [InlineData("paused", null)]
    [InlineData("unpaid", null)]
    [InlineData("cancelled", 10)] // cancelled but paid until ends_at: it can be resumed instead
    public async Task A_user_with_a_live_subscription_gets_409_subscription_exists_and_no_second_checkout(string status, int? endsInDays)
    {
        LemonSqueezy.Reset();
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        DateTimeOffset? ends = endsInDays is { } d ? Seconds(DateTimeOffset.UtcNow.AddDays(d)) : null;
        await silo.DeliverOkAsync(SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.ProMonthly, status, Base, endsAt: ends));

        using var response = await StartCheckoutAsync(user, "{\"tier\":\"premium\",\"billing_cycle\":\"monthly\"}");

        var error = await response.AssertErrorAsync(HttpStatusCode.Conflict, "SUBSCRIPTION_EXISTS");
        Assert.Equal(sub, error["details"]!["subscription_id"]!.GetValue<string>());
        Assert.Contains("change-plan", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(LemonSqueezy.Requests);
    }

    [Theory]
    [InlineData("expired", 10)]
    [InlineData("cancelled", -1)] // its paid period is over
    public async Task A_user_whose_subscription_has_ended_can_check_out_again(string status, int endsInDays)
    {
        LemonSqueezy.Reset();
        var user = await silo.RegisterAsync();
        await silo.DeliverOkAsync(SubscriptionEvent("subscription_updated", NewSubscriptionId(), user.UserId, BillingSilo.ProMonthly, status, Base, endsAt: Seconds(DateTimeOffset.UtcNow.AddDays(endsInDays))));

        using var response = await StartCheckoutAsync(user, "{\"tier\":\"pro\",\"billing_cycle\":\"monthly\"}");

        await response.AssertOkJsonAsync();
        Assert.Single(LemonSqueezy.Requests);
    }

    private Task<HttpResponseMessage> StartCheckoutAsync(SignedIn user, string json) =>
        silo.SendAsync(HttpMethod.Post, "/api/v1/billing/start-checkout", json, token: user.AccessToken);
}
