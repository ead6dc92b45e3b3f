using System.Text.Json;
using Dapper;
using HiveSync.Grains.Billing;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;

namespace HiveSync.Tests.Billing;

/// <summary>A billing silo that gives up on an event after three attempts.</summary>
public sealed class BillingRetrySilo : BillingSilo
{
    public const int MaxAttempts = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Billing:EventMaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>
/// An event whose processing fails (here: the subscriptions table is briefly unavailable) is still answered 200,
/// stays stored, and is applied by the retry reminder's grain once processing works again.
/// </summary>
public sealed class BillingEventRetryTests(BillingRetrySilo silo) : IClassFixture<BillingRetrySilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    private IBillingEventRetryGrain Retry => silo.Service<IGrainFactory>().GetGrain<IBillingEventRetryGrain>(0);

    [Fact]
    public async Task An_event_whose_processing_fails_is_answered_200_kept_and_applied_by_the_retry_once_processing_works()
    {
        var user = await silo.RegisterAsync();
        await silo.UserMeAsync(user); // the user's grain is active before the table goes away
        var sub = NewSubscriptionId();
        var body = SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.PremiumMonthly, "active", Base);

        await using (await SubscriptionsUnavailableAsync())
        {
            await silo.DeliverOkAsync(body);

            var pending = (await silo.BillingEventAsync(body))!;
            Assert.Null(pending.ProcessedAt);
            Assert.Equal(1, pending.Attempts);
            Assert.False(string.IsNullOrEmpty(pending.LastError));
            Assert.Equal("free", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        }

        Assert.True(await Retry.RetryDue() >= 1);

        var done = (await silo.BillingEventAsync(body))!;
        Assert.Equal("applied", done.Outcome);
        Assert.Equal(2, done.Attempts);
        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        Assert.Single(await silo.AuditRowsAsync("billing.subscription.applied", subjectId: sub));
    }

    [Fact]
    public async Task A_redelivery_of_a_pending_event_processes_it_at_once()
    {
        var user = await silo.RegisterAsync();
        await silo.UserMeAsync(user);
        var body = SubscriptionEvent("subscription_created", NewSubscriptionId(), user.UserId, BillingSilo.ProYearly, "active", Base);

        await using (await SubscriptionsUnavailableAsync())
        {
            await silo.DeliverOkAsync(body);
        }

        await silo.DeliverOkAsync(body); // LemonSqueezy resends (or an admin does)

        Assert.Equal("applied", (await silo.BillingEventAsync(body))!.Outcome);
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_event_that_keeps_failing_is_marked_failed_after_the_maximum_attempts_kept_and_audited()
    {
        var user = await silo.RegisterAsync();
        await silo.UserMeAsync(user);
        var body = SubscriptionEvent("subscription_created", NewSubscriptionId(), user.UserId, BillingSilo.ProMonthly, "active", Base);

        await using (await SubscriptionsUnavailableAsync())
        {
            await silo.DeliverOkAsync(body);
            for (var i = 1; i < BillingRetrySilo.MaxAttempts; i++)
            {
                await Retry.RetryDue();
            }
        }

        var failed = (await silo.BillingEventAsync(body))!;
        Assert.Equal("failed", failed.Outcome);
        Assert.Equal(BillingRetrySilo.MaxAttempts, failed.Attempts);
        Assert.Equal(body, failed.Body);
        var audit = Assert.Single(await silo.AuditRowsAsync("billing.event.failed", subjectId: failed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(BillingRetrySilo.MaxAttempts, JsonDocument.Parse(audit.Details).RootElement.GetProperty("attempts").GetInt32());

        await Retry.RetryDue(); // given up: not attempted again
        Assert.Equal(BillingRetrySilo.MaxAttempts, (await silo.BillingEventAsync(body))!.Attempts);
    }

    [Fact]
    public async Task Receiving_an_event_registers_the_retry_reminder_which_survives_in_postgresql()
    {
        await silo.DeliverOkAsync(Payload(PaymentSuccess));

        await using var db = await silo.OpenDatabaseAsync();
        var reminders = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE remindername = @name", new { name = BillingEventRetryGrain.ReminderName });
        Assert.Equal(1, reminders);
    }

    /// <summary>Renames the subscriptions table away until disposed, so every attempt to apply an event fails.</summary>
    private async Task<IAsyncDisposable> SubscriptionsUnavailableAsync()
    {
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("ALTER TABLE subscriptions RENAME TO subscriptions_unavailable");
        }

        return new Restore(silo);
    }

    private sealed class Restore(TestSilo silo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var db = await silo.OpenDatabaseAsync();
            await db.ExecuteAsync("ALTER TABLE subscriptions_unavailable RENAME TO subscriptions");
        }
    }
}
