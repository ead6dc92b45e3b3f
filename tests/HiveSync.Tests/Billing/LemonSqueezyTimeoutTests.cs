using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;

namespace HiveSync.Tests.Billing;

/// <summary>
/// <c>Billing:ApiTimeout</c> (1 s here) against a LemonSqueezy that never answers: the only way these requests end is
/// the time-out, so however slow the machine, the answer is the time-out's. Every other billing test runs with a
/// generous time-out, so no slow answer of the stand-in passes for a time-out there.
/// </summary>
public sealed class LemonSqueezyTimeoutTests(ShortApiTimeoutBillingSilo silo) : IClassFixture<ShortApiTimeoutBillingSilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    private FakeLemonSqueezy LemonSqueezy => silo.LemonSqueezy;

    [Fact]
    public async Task Start_checkout_gives_up_after_the_api_time_out_with_billing_provider_error_timeout()
    {
        var user = await silo.RegisterAsync();
        LemonSqueezy.Reset();
        LemonSqueezy.Mode = FakeMode.Hang;

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/billing/start-checkout", "{\"tier\":\"pro\",\"billing_cycle\":\"monthly\"}", token: user.AccessToken);

        await response.AssertProviderErrorAsync("timeout");
        Assert.Single(LemonSqueezy.Requests);
        Assert.Empty(await silo.AuditRowsAsync("billing.checkout.created", actorUserId: user.UserId));
    }

    [Fact]
    public async Task Change_plan_gives_up_after_the_api_time_out_and_the_tier_stays_until_lemonsqueezy_confirms()
    {
        var user = await silo.RegisterAsync();
        var sub = await silo.SubscribeAsync(user.UserId, BillingSilo.ProMonthly, "active", Base);
        LemonSqueezy.Reset();
        LemonSqueezy.Mode = FakeMode.Hang;

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/billing/change-plan", "{\"tier\":\"premium\",\"billing_cycle\":\"monthly\"}", token: user.AccessToken);

        await response.AssertProviderErrorAsync("timeout");
        Assert.Single(LemonSqueezy.Requests);
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        Assert.Equal(BillingSilo.ProMonthly, (await silo.SubscriptionRowAsync(sub))!.VariantId);
        Assert.Empty(await silo.AuditRowsAsync("billing.plan.changed", actorUserId: user.UserId));
    }
}
