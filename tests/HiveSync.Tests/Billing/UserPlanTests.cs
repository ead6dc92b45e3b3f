using Dapper;
using HiveSync.Grains.Billing;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace HiveSync.Tests.Billing;

/// <summary>The plan billing hands to the user's grain: a timeline computed from the user's subscriptions.</summary>
public sealed class PlanTimelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static SubscriptionState Subscription(string id, string tier, string status, DateTimeOffset? endsAt = null) =>
        new(id, 7, 1, tier, BillingPlans.Monthly, status, status == SubscriptionStatuses.Cancelled, null, endsAt, null, Now.AddDays(-1), 0, null, null, null, false, null);

    [Fact]
    public void No_subscription_is_free_from_the_start()
    {
        var timeline = SubscriptionRules.PlanTimeline([], Now);

        Assert.Equal([UserPlan.Free], timeline);
    }

    [Fact]
    public void A_cancelled_subscription_keeps_its_tier_until_its_end_then_the_plan_is_free()
    {
        var ends = Now.AddDays(3);

        var timeline = SubscriptionRules.PlanTimeline([Subscription("1", Tiers.Pro, SubscriptionStatuses.Cancelled, ends)], Now);

        Assert.Equal(2, timeline.Count);
        Assert.Equal((DateTimeOffset.MinValue, "pro", "canceled"), (timeline[0].From, timeline[0].Tier, timeline[0].SubscriptionStatus));
        Assert.Equal((ends, "free"), (timeline[1].From, timeline[1].Tier));
        Assert.Equal("pro", UserPlan.At(timeline, ends.AddTicks(-10)).Tier);
        Assert.Equal("free", UserPlan.At(timeline, ends).Tier);
    }

    [Fact]
    public void When_a_cancelled_premium_ends_an_active_pro_takes_over()
    {
        var ends = Now.AddDays(5);
        var subscriptions = new[] { Subscription("1", Tiers.Premium, SubscriptionStatuses.Cancelled, ends), Subscription("2", Tiers.Pro, SubscriptionStatuses.Active) };

        var timeline = SubscriptionRules.PlanTimeline(subscriptions, Now);

        Assert.Equal(["premium", "pro"], timeline.Select(p => p.Tier));
        Assert.Equal(["1", "2"], timeline.Select(p => p.SubscriptionId));
        Assert.Equal(ends, timeline[1].From);
    }

    [Fact]
    public void A_subscription_that_ended_already_adds_no_change()
    {
        var timeline = SubscriptionRules.PlanTimeline([Subscription("1", Tiers.Pro, SubscriptionStatuses.Cancelled, Now.AddDays(-1))], Now);

        Assert.Equal("free", Assert.Single(timeline).Tier);
    }
}

/// <summary>A database from before plans were handed over: the first silo to start hands them over.</summary>
public sealed class PlanCatchUpTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task A_subscription_stored_without_a_handed_over_plan_gives_its_tier_once_the_catch_up_ran()
    {
        var user = await silo.RegisterAsync();
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync(
                """
                INSERT INTO subscriptions (id, user_id, variant_id, tier, billing_cycle, status, cancelled, provider_updated_at, tie_break, test_mode, applied_at)
                VALUES (@id, @userId, 1, 'premium', 'yearly', 'active', false, now(), 0, false, now())
                """,
                new { id = BillingTestKit.NewSubscriptionId(), userId = user.UserId });
        }

        using (var before = await silo.GetAsync("/api/v1/user/me", user.AccessToken))
        {
            Assert.Equal("free", (await before.AssertOkJsonAsync())["tier"]!.GetValue<string>()); // auth never reads billing's rows
        }

        var catchUp = new PlanCatchUp(silo.Services.GetRequiredService<BillingStore>(), silo.Services.GetRequiredService<IGrainFactory>(), silo.Services.GetRequiredService<IHostApplicationLifetime>(), NullLogger<PlanCatchUp>.Instance);
        await catchUp.StartAsync(CancellationToken.None);
        await catchUp.ExecuteTask!;

        using var after = await silo.GetAsync("/api/v1/user/me", user.AccessToken);
        var me = await after.AssertOkJsonAsync();
        Assert.Equal(("premium", "active"), (me["tier"]!.GetValue<string>(), me["subscription_status"]!.GetValue<string>()));
        await using var check = await silo.OpenDatabaseAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM subscriptions WHERE user_id = @id AND plan_synced_at IS NULL", new { id = user.UserId }));
        Assert.Equal(1, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM user_plans WHERE user_id = @id", new { id = user.UserId }));
    }
}
