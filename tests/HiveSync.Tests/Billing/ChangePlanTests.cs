using System.Net;
using System.Text.Json.Nodes;
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
    public async Task The_user_gets_lemonsqueezys_answer_its_renewal_date_and_time_stamp_which_the_request_never_carried()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");

        using var response = await ChangePlanAsync(user, "premium", "monthly");

        var answered = LemonSqueezy.Subscription(sub)!;
        var shown = (await response.AssertOkJsonAsync())["data"]!;
        AssertSubscription(shown, "premium", "active", sub, answered.RenewsAt, null);
        Assert.True(JsonNode.DeepEquals(shown, await silo.UserMeAsync(user)), shown.ToJsonString());
        Assert.Equal(answered.UpdatedAt.UtcDateTime, (await silo.SubscriptionRowAsync(sub))!.ProviderUpdatedAt);
        Assert.Null(Assert.Single(LemonSqueezy.Requests).Json["data"]!["attributes"]!["renews_at"]);
    }

    [Fact]
    public async Task A_plan_change_keeps_the_status_lemonsqueezy_answers_instead_of_assuming_active()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "past_due");

        using var response = await ChangePlanAsync(user, "premium", "monthly");

        var shown = (await response.AssertOkJsonAsync())["data"]!;
        Assert.Equal("past_due", LemonSqueezy.Subscription(sub)!.Status);
        AssertSubscription(shown, "premium", "past_due", sub, LemonSqueezy.Subscription(sub)!.RenewsAt, null);
        Assert.Equal("past_due", (await silo.SubscriptionRowAsync(sub))!.Status);
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
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "cancelled", ends);

        using var response = await ChangePlanAsync(user, "pro", "monthly");

        var shown = (await response.AssertOkJsonAsync())["data"]!;
        var attributes = Assert.Single(LemonSqueezy.Requests).Json["data"]!["attributes"]!;
        Assert.False(attributes["cancelled"]!.GetValue<bool>());
        Assert.Equal(BillingSilo.ProMonthly, attributes["variant_id"]!.GetValue<long>());
        // LemonSqueezy's answer: active again, renewing on its own date, no end any more.
        AssertSubscription(shown, "pro", "active", sub, LemonSqueezy.Subscription(sub)!.RenewsAt, null);
        Assert.Null((await silo.SubscriptionRowAsync(sub))!.EndsAt);
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

        await response.AssertProviderErrorAsync("rejected");
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        Assert.Equal(BillingSilo.ProMonthly, (await silo.SubscriptionRowAsync(sub))!.VariantId);
    }

    [Fact]
    public async Task The_webhook_that_confirms_a_plan_change_later_is_a_duplicate_and_an_older_one_is_stale()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");
        using var response = await ChangePlanAsync(user, "premium", "yearly");
        await response.AssertOkJsonAsync();

        // LemonSqueezy then sends subscription_updated with the state it answered: nothing new.
        var confirming = SubscriptionEvent("subscription_updated", LemonSqueezy.Subscription(sub)!, user.UserId);
        await silo.DeliverOkAsync(confirming);
        Assert.Equal("duplicate", (await silo.BillingEventAsync(confirming))!.Outcome);

        // A delayed webhook from before the change must not take the premium plan away.
        var older = SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.ProMonthly, "active", Base.AddMinutes(1));
        await silo.DeliverOkAsync(older);

        Assert.Equal("stale", (await silo.BillingEventAsync(older))!.Outcome);
        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        // Applied twice (the first webhook, then LemonSqueezy's answer to the change); neither later webhook applied anything.
        Assert.Equal(2, (await silo.AuditRowsAsync("billing.subscription.applied", subjectId: sub, actorUserId: user.UserId)).Count);
    }

    [Fact]
    public async Task Change_plan_without_signing_in_is_401_and_changes_nothing()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");
        var before = await SnapshotAsync(user, sub);

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/billing/change-plan", Plan("premium", "monthly"));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
        await AssertNothingChangedAsync(user, sub, before);
    }

    [Theory]
    [InlineData("{\"tier\":\"free\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\"gold\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\"PREMIUM\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\" premium\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\"\",\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":null,\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":1,\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":[\"premium\"],\"billing_cycle\":\"monthly\"}", "tier")]
    [InlineData("{\"tier\":\"premium\",\"billing_cycle\":\"weekly\"}", "billing_cycle")]
    [InlineData("{\"tier\":\"premium\",\"billing_cycle\":\"Yearly\"}", "billing_cycle")]
    [InlineData("{\"tier\":\"premium\",\"billing_cycle\":null}", "billing_cycle")]
    [InlineData("{\"tier\":\"premium\"}", "billing_cycle")]
    [InlineData("{\"tier\":\"premium\",\"billing_cycle\":12}", "billing_cycle")]
    [InlineData("{}", "tier", "billing_cycle")]
    [InlineData("{\"tier\":\"premium\",\"billing_cycle\":\"monthly\",\"variant_id\":1}", "variant_id")]
    [InlineData("{\"tier\":\"premium\",\"billing_cycle\":\"monthly\",\"subscription_id\":\"1\"}", "subscription_id")]
    public async Task An_invalid_change_plan_body_is_400_naming_each_wrong_field_and_changes_nothing(string json, params string[] fields)
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");
        var before = await SnapshotAsync(user, sub);

        using var response = await ChangePlanAsync(user, json);

        var error = await response.AssertValidationErrorAsync(fields);
        Assert.Equal(fields.Order(StringComparer.Ordinal), error["details"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        await AssertNothingChangedAsync(user, sub, before);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"tier\":")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"premium\"")]
    public async Task A_missing_malformed_or_non_object_change_plan_body_is_400_and_changes_nothing(string json)
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");
        var before = await SnapshotAsync(user, sub);

        using var response = await ChangePlanAsync(user, json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        await AssertNothingChangedAsync(user, sub, before);
    }

    [Fact]
    public async Task A_change_plan_body_that_is_not_json_is_415_and_changes_nothing()
    {
        var (user, sub) = await SubscribedAsync(BillingSilo.ProMonthly, "active");
        var before = await SnapshotAsync(user, sub);

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/billing/change-plan")
        {
            Body = "tier=premium&billing_cycle=monthly",
            ContentType = "application/x-www-form-urlencoded",
            Bearer = user.AccessToken,
        });

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        await AssertNothingChangedAsync(user, sub, before);
    }

    private async Task<(SignedIn User, string SubscriptionId)> SubscribedAsync(long variant, string status, DateTimeOffset? endsAt = null)
    {
        var user = await silo.RegisterAsync();
        var sub = await silo.SubscribeAsync(user.UserId, variant, status, Base, endsAt);
        LemonSqueezy.Reset();
        return (user, sub);
    }

    private sealed record Snapshot(JsonNode UserMe, SubscriptionDbRow? Subscription, FakeSubscription? AtLemonSqueezy);

    private async Task<Snapshot> SnapshotAsync(SignedIn user, string sub) =>
        new(await silo.UserMeAsync(user), await silo.SubscriptionRowAsync(sub), LemonSqueezy.Subscription(sub));

    /// <summary>Nothing reached LemonSqueezy, and the user, the subscription and the audit trail are as before.</summary>
    private async Task AssertNothingChangedAsync(SignedIn user, string sub, Snapshot before)
    {
        Assert.Empty(LemonSqueezy.Requests);
        var after = await SnapshotAsync(user, sub);
        Assert.True(JsonNode.DeepEquals(before.UserMe, after.UserMe), after.UserMe.ToJsonString());
        Assert.Equal(before.Subscription, after.Subscription);
        Assert.Equal(before.AtLemonSqueezy, after.AtLemonSqueezy);
        Assert.Empty(await silo.AuditRowsAsync("billing.plan.changed", actorUserId: user.UserId));
    }

    private static string Plan(string tier, string cycle) => AuthTestKit.Json(new JsonObject { ["tier"] = tier, ["billing_cycle"] = cycle });

    private Task<HttpResponseMessage> ChangePlanAsync(SignedIn user, string tier, string cycle) => ChangePlanAsync(user, Plan(tier, cycle));

    private Task<HttpResponseMessage> ChangePlanAsync(SignedIn user, string json) =>
        silo.SendAsync(HttpMethod.Post, "/api/v1/billing/change-plan", json, token: user.AccessToken);
}
