using System.Globalization;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;

namespace HiveSync.Tests.Billing;

/// <summary>Webhook deliveries spread over two silo processes at once still converge on the newest state.</summary>
public sealed class BillingTwoSiloTests
{
    [Fact]
    public async Task Duplicated_and_shuffled_deliveries_through_two_silos_at_once_converge_on_the_newest_event()
    {
        var billing = new Dictionary<string, string>
        {
            ["LZ_WEBHOOK_SECRET"] = BillingSilo.WebhookSecret,
            ["Billing:StoreId"] = BillingSilo.StoreId,
            ["Billing:Variants:Pro:Monthly"] = BillingSilo.ProMonthly.ToString(CultureInfo.InvariantCulture),
            ["Billing:Variants:Premium:Yearly"] = BillingSilo.PremiumYearly.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var cluster = await SiloCluster.StartAsync(nameof(BillingTwoSiloTests), processes: 2, billing);
        using var viaFirst = new HttpClient { BaseAddress = cluster.Processes[0].BaseAddress };
        using var viaSecond = new HttpClient { BaseAddress = cluster.Processes[1].BaseAddress };

        var user = await viaFirst.RegisterAsync(AuthTestKit.NewEmail("two-silo-billing"), AuthTestKit.Password);
        var (userId, token) = (user.UserId, user.AccessToken);

        var sub = NewSubscriptionId();
        var start = Seconds(DateTimeOffset.UtcNow.AddHours(-1));
        var renews = Seconds(DateTimeOffset.UtcNow.AddDays(30));
        var ends = Seconds(DateTimeOffset.UtcNow.AddDays(12));
        byte[][] events =
        [
            SubscriptionEvent("subscription_created", sub, userId, BillingSilo.ProMonthly, "active", start, renewsAt: renews),
            SubscriptionEvent("subscription_updated", sub, userId, BillingSilo.PremiumYearly, "active", start.AddMinutes(1), renewsAt: renews),
            PaymentEvent(sub, "424242"),
            SubscriptionEvent("subscription_cancelled", sub, userId, BillingSilo.PremiumYearly, "cancelled", start.AddMinutes(2), renewsAt: ends, endsAt: ends), // the newest
        ];
        var deliveries = events.SelectMany(e => Enumerable.Repeat(e, 4)).ToArray();
        new Random(7).Shuffle(deliveries);

        await Task.WhenAll(deliveries.Select((body, i) => (i % 2 == 0 ? viaFirst : viaSecond).DeliverOkAsync(body)));

        foreach (var client in new[] { viaFirst, viaSecond })
        {
            using var me = await client.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me") { Bearer = token });
            AssertSubscription(await me.AssertOkJsonAsync(), "premium", "canceled", sub, ends, ends);
        }
    }
}
