using System.Net;
using Dapper;
using HiveSync.Grains.Billing;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;
using static HiveSync.Tests.Billing.EventOrigin;

namespace HiveSync.Tests.Billing;

/// <summary>
/// The grain write rule in billing: when a write really fails (PostgreSQL refuses it), nothing is remembered that
/// was not stored, so once writes work again the retry stores it and the answers equal the database.
/// </summary>
public sealed class BillingWriteFailureTests(BillingSilo silo) : IClassFixture<BillingSilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    private IBillingEventRetryGrain Retry => silo.Service<IGrainFactory>().GetGrain<IBillingEventRetryGrain>(0);

    [Fact]
    public async Task A_newer_state_whose_write_fails_is_not_remembered_so_the_retry_stores_and_applies_it()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        await silo.DeliverOkAsync(Live(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProMonthly, "active", Base)));
        var upgrade = Live(SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.PremiumMonthly, "active", Base.AddMinutes(1)));

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "subscriptions"))
        {
            await silo.DeliverOkAsync(upgrade); // stored first, so acknowledged; applying it failed

            var pending = (await silo.BillingEventAsync(upgrade))!;
            Assert.Null(pending.ProcessedAt);
            Assert.Contains(FailingWrites.Message, pending.LastError, StringComparison.Ordinal);
        }

        var before = (await silo.SubscriptionRowAsync(sub))!;
        Assert.Equal((BillingSilo.ProMonthly, Base.UtcDateTime), (before.VariantId, before.ProviderUpdatedAt));
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());

        Assert.True(await Retry.RetryDue() >= 1);

        Assert.Equal("applied", (await silo.BillingEventAsync(upgrade))!.Outcome);
        var after = (await silo.SubscriptionRowAsync(sub))!;
        Assert.Equal((BillingSilo.PremiumMonthly, "premium", Base.AddMinutes(1).UtcDateTime), (after.VariantId, after.Tier, after.ProviderUpdatedAt));
        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_user_link_whose_write_fails_is_not_remembered_so_the_retry_links_the_user()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        await silo.DeliverOkAsync(Live(SubscriptionEvent("subscription_created", sub, null, BillingSilo.ProYearly, "active", Base)));
        var naming = Live(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProYearly, "active", Base)); // same state, now naming the user

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "subscriptions"))
        {
            await silo.DeliverOkAsync(naming);
        }

        Assert.Null((await silo.SubscriptionRowAsync(sub))!.UserId);
        Assert.Null((await silo.BillingEventAsync(naming))!.ProcessedAt);
        Assert.Equal("free", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());

        Assert.True(await Retry.RetryDue() >= 1);

        Assert.Equal(user.UserId, (await silo.SubscriptionRowAsync(sub))!.UserId);
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_event_that_cannot_be_stored_is_answered_500_so_lemonsqueezy_retries_and_the_retry_is_applied()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var body = Live(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.PremiumYearly, "active", Base));

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "billing_events"))
        {
            using var refused = await silo.DeliverAsync(body);
            await refused.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        }

        Assert.Null(await silo.BillingEventAsync(body));
        Assert.Null(await silo.SubscriptionRowAsync(sub));

        await silo.DeliverOkAsync(body);

        Assert.Equal("applied", (await silo.BillingEventAsync(body))!.Outcome);
        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }
}

/// <summary>
/// The retry grain remembers its reminder only once it is stored: a webhook arriving while reminders cannot be
/// written is refused (nothing stored), and the next one registers the reminder. A fresh silo, so this is the
/// first webhook its retry grain sees.
/// </summary>
public sealed class BillingRetryReminderWriteFailureTests(BillingSilo silo) : IClassFixture<BillingSilo>
{
    [Fact]
    public async Task A_webhook_whose_retry_reminder_cannot_be_stored_is_refused_and_the_next_one_stores_the_reminder()
    {
        var body = Live(PaymentEvent(NewSubscriptionId(), "880001"));

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "orleansreminderstable"))
        {
            using var refused = await silo.DeliverAsync(body);
            await refused.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            Assert.Equal(0, await RemindersAsync());
        }

        Assert.Null(await silo.BillingEventAsync(body)); // nothing stored without the reminder that would come back to it

        await silo.DeliverOkAsync(body);

        Assert.Equal(1, await RemindersAsync());
        Assert.Equal("recorded", (await silo.BillingEventAsync(body))!.Outcome);
    }

    private async Task<long> RemindersAsync()
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE remindername = @name", new { name = BillingEventRetryGrain.ReminderName });
    }
}
