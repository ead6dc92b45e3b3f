using System.Net;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;

namespace HiveSync.Tests.Billing;

/// <summary>A silo with no billing settings (a developer's machine) starts, and billing says it is not set up.</summary>
public sealed class BillingNotConfiguredTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task Without_lemonsqueezy_settings_start_checkout_and_change_plan_are_503()
    {
        var user = await silo.RegisterAsync();

        using var checkout = await silo.SendAsync(HttpMethod.Post, "/api/v1/billing/start-checkout", "{\"tier\":\"pro\",\"billing_cycle\":\"monthly\"}", token: user.AccessToken);
        using var change = await silo.SendAsync(HttpMethod.Post, "/api/v1/billing/change-plan", "{\"tier\":\"pro\",\"billing_cycle\":\"monthly\"}", token: user.AccessToken);

        var error = await checkout.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Equal("billing_not_configured", error["details"]!["reason"]!.GetValue<string>());
        await change.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
    }

    [Fact]
    public async Task Without_lz_webhook_secret_every_delivery_is_refused_and_nothing_is_stored()
    {
        var body = Payload(CapturedCreated);

        using var response = await silo.DeliverAsync(body, Sign(body));

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Equal(0, await silo.CountAsync("billing_events"));
    }
}

/// <summary>Billing settings are validated when the silo starts.</summary>
public sealed class BillingSettingsTests
{
    [Theory]
    [InlineData("Billing:ApiKey", "key-without-store-or-variants", "Billing:StoreId")]
    [InlineData("Billing:ApiBaseUrl", "http://api.lemonsqueezy.com", "Billing:ApiBaseUrl")]
    [InlineData("Billing:ApiTimeout", "00:05:00", "Billing:ApiTimeout")]
    [InlineData("Billing:EventRetryPeriod", "00:00:10", "Billing:EventRetryPeriod")]
    [InlineData("LZ_WEBHOOK_SECRET", "short", "LZ_WEBHOOK_SECRET")]
    [InlineData("Billing:RetiredVariants:77", "gold", "Billing:RetiredVariants:77")]
    public async Task An_invalid_billing_setting_stops_start_up_naming_it(string key, string value, string named)
    {
        var error = await InvalidSetting.AssertStartUpFailsAsync(key, value);

        Assert.Equal(typeof(BillingOptions), error.OptionsType);
        Assert.Contains(error.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_are_valid_and_leave_checkout_off()
    {
        var defaults = new BillingOptions();

        Assert.Empty(BillingOptions.Problems(defaults));
        Assert.False(defaults.CheckoutConfigured);
    }

    [Fact]
    public void A_complete_configuration_is_valid_and_maps_each_variant_to_its_plan_and_retired_ones_to_their_tier()
    {
        var options = new BillingOptions
        {
            ApiKey = "key",
            StoreId = "12",
            Variants = new TierVariants { Pro = new CycleVariants { Monthly = 1, Yearly = 2 }, Premium = new CycleVariants { Monthly = 3, Yearly = 4 } },
            RetiredVariants = new() { ["99"] = "premium" },
        };

        Assert.Empty(BillingOptions.Problems(options));
        Assert.True(options.CheckoutConfigured);
        Assert.Equal(("pro", "yearly"), options.PlanOf(2));
        Assert.Equal(("premium", "monthly"), options.PlanOf(3));
        Assert.Equal(("premium", (string?)null), options.PlanOf(99));
        Assert.Equal(((string?)null, (string?)null), options.PlanOf(5));
        Assert.Equal(4, options.VariantFor("premium", "yearly"));
    }

    [Fact]
    public void Two_plans_sharing_a_variant_is_a_problem()
    {
        var options = new BillingOptions { Variants = new TierVariants { Pro = new CycleVariants { Monthly = 7 }, Premium = new CycleVariants { Monthly = 7 } } };

        Assert.Contains(BillingOptions.Problems(options), p => p.Contains("own variant", StringComparison.Ordinal));
    }
}
