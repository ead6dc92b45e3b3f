using System.Globalization;
using System.Net;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;

namespace HiveSync.Tests.Billing;

public sealed class ChangePlanTests(BillingSilo silo) : IClassFixture<BillingSilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    private FakeLemonSqueezy LemonSqueezy => silo.LemonSqueezy;

    [Fact]
    public async Task An_upgrade_patches_the_existing_subscription_to_the_new_variant_invoiced_now_and_the_user_gets_the_new_tier()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");

        using var response = await ChangePlanAsync(user, "premium", "yearly");

        var body = await response.AssertOkJsonAsync();
        AuthTestKit.AssertExactKeys(body, "data");
        Assert.Equal("premium", body["data"]!["tier"]!.GetValue<string>());
        Assert.Equal(sub, body["data"]!["subscription_id"]!.GetValue<string>());
        var call = Assert.Single(LemonSqueezy.Requests);
        Assert.Equal(("PATCH", $"/v1/subscriptions/{sub}"), (call.Method, call.Path));
        Assert.Equal($"Bearer {BillingSilo.ApiKey}", call.Headers["Authorization"]);
        var data = call.Json["data"]!;
        Assert.Equal(("subscriptions", sub), (data["type"]!.GetValue<string>(), data["id"]!.GetValue<string>()));
        Assert.Equal(BillingSilo.PremiumYearly, data["attributes"]!["variant_id"]!.GetValue<long>());
        Assert.True(data["attributes"]!["invoice_immediately"]!.GetValue<bool>());
        Assert.Null(data["attributes"]!["cancelled"]);

        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        Assert.Equal(BillingSilo.PremiumYearly, (await silo.SubscriptionRowAsync(sub))!.VariantId);
        Assert.Single(await silo.AuditRowsAsync("billing.plan.changed", actorUserId: user.UserId));
        Assert.Empty(await silo.AuditRowsAsync("billing.checkout.created", actorUserId: user.UserId)); // no second subscription
    }

    [Fact]
    public async Task A_downgrade_uses_lemonsqueezys_default_proration()
    {
        var (user, _) = await SubscribedAsync(BillingSilo.PremiumMonthly, "active");

        using var response = await ChangePlanAsync(user, "pro", "monthly");

        Assert.Equal("pro", (await response.AssertOkJsonAsync())["data"]!["tier"]!.GetValue<string>());
        var call = Assert.Single(LemonSqueezy.Requests);
        Assert.Null(call.Json["data"]!["attributes"]!["invoice_immediately"]);
    }

    [Fact]
    public async Task Choosing_the_plan_of_a_cancelled_subscription_in_its_grace_period_resumes_it()
    {
        var ends = Seconds(DateTimeOffset.UtcNow.AddDays(9));
        var (user, _) = await SubscribedAsync(BillingSilo.ProMonthly, "cancelled", ends);

        using var response = await ChangePlanAsync(user, "pro", "monthly");

        Assert.Equal("active", (await response.AssertOkJsonAsync())["data"]!["subscription_status"]!.GetValue<string>());
        var attributes = Assert.Single(LemonSqueezy.Requests).Json["data"]!["attributes"]!;
        Assert.False(attributes["cancelled"]!.GetValue<bool>());
        Assert.Equal(BillingSilo.ProMonthly, attributes["variant_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Changing_to_the_current_plan_is_409_and_calls_nothing()
    {
        var (user, _) = await SubscribedAsync(BillingSilo.ProYearly, "active");

        using var response = await ChangePlanAsync(user, "pro", "yearly");

        await response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Empty(LemonSqueezy.Requests);
    }

    [Fact]
    public async Task Without_a_live_subscription_change_plan_is_404_subscription_not_found()
    {
        LemonSqueezy.Reset();
        var user = await silo.RegisterAsync();

        using var response = await ChangePlanAsync(user, "premium", "monthly");

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "SUBSCRIPTION_NOT_FOUND");
        Assert.Empty(LemonSqueezy.Requests);
    }

    [Fact]
    public async Task A_lemonsqueezy_failure_leaves_the_tier_unchanged_and_answers_billing_provider_error()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");
        LemonSqueezy.Mode = FakeMode.Rejected;

        using var response = await ChangePlanAsync(user, "premium", "monthly");

        var error = await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "BILLING_PROVIDER_ERROR");
        Assert.Equal("rejected", error["details"]!["reason"]!.GetValue<string>());
        Assert.DoesNotContain(FakeLemonSqueezy.UpstreamOnlyText, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        Assert.Equal(BillingSilo.ProMonthly, (await silo.SubscriptionRowAsync(sub))!.VariantId);
    }

    [Fact]
    public async Task The_webhook_that_confirms_a_plan_change_later_is_a_duplicate_and_an_older_one_is_stale()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");
        using var response = await ChangePlanAsync(user, "premium", "yearly");
        await response.AssertOkJsonAsync();

        // A delayed webhook from before the change must not take the premium plan away.
        var older = SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.ProMonthly, "active", Base.AddMinutes(1));
        await silo.DeliverOkAsync(older);

        Assert.Equal("stale", (await silo.BillingEventAsync(older))!.Outcome);
        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    private async Task<(SignedIn User, string SubscriptionId)> SubscribedAsync(long variant, string status, DateTimeOffset? endsAt = null)
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        await silo.DeliverOkAsync(SubscriptionEvent("subscription_updated", sub, user.UserId, variant, status, Base, endsAt: endsAt));
        LemonSqueezy.Reset();
        return (user, sub);
    }

    private Task<HttpResponseMessage> ChangePlanAsync(SignedIn user, string tier, string cycle) =>
        silo.SendAsync(HttpMethod.Post, "/api/v1/billing/change-plan", string.Create(CultureInfo.InvariantCulture, $"{{\"tier\":\"{tier}\",\"billing_cycle\":\"{cycle}\"}}"), token: user.AccessToken);
}
