using System.Net;
using System.Text;
using System.Text.Json;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Billing.BillingTestKit;

namespace HiveSync.Tests.Billing;

public sealed class BillingWebhookTests(BillingSilo silo) : IClassFixture<BillingSilo>
{
    private static readonly DateTimeOffset Base = Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    [Fact]
    public async Task Each_shipped_real_payload_signed_with_the_secret_is_answered_200_and_stored_byte_for_byte_once_however_often_it_is_redelivered()
    {
        foreach (var file in ShippedPayloads)
        {
            var body = Payload(file);
            for (var i = 0; i < 3; i++)
            {
                await silo.DeliverOkAsync(body);
            }

            var stored = await silo.BillingEventAsync(body);
            Assert.NotNull(stored);
            Assert.Equal(body, stored.Body);
            Assert.NotNull(stored.ProcessedAt);
        }

        // None is a purchase in this store: the docs example is store 2's, the others are test-mode deliveries of
        // store 162352 (this silo's) and store 111. Acknowledged, kept, and ignored (BillingWebhookOriginTests).
        foreach (var file in ShippedPayloads)
        {
            Assert.Equal("ignored", (await silo.BillingEventAsync(Payload(file)))!.Outcome);
        }

        Assert.Null(await silo.SubscriptionRowAsync("1"));
        Assert.Null(await silo.SubscriptionRowAsync("1067566"));
        Assert.Null(await silo.SubscriptionRowAsync("999"));
    }

    [Fact]
    public async Task Created_then_cancelled_then_expired_moves_the_user_from_paid_to_paid_until_ends_at_to_free()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var renews = Seconds(DateTimeOffset.UtcNow.AddDays(30));

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProMonthly, "active", Base, renewsAt: renews));
        AssertSubscription(await silo.UserMeAsync(user), "pro", "active", sub, renews, null);

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_cancelled", sub, user.UserId, BillingSilo.ProMonthly, "cancelled", Base.AddMinutes(1), renewsAt: renews, endsAt: renews));
        AssertSubscription(await silo.UserMeAsync(user), "pro", "canceled", sub, renews, renews);

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_expired", sub, user.UserId, BillingSilo.ProMonthly, "expired", Base.AddMinutes(2), renewsAt: renews, endsAt: renews));
        AssertSubscription(await silo.UserMeAsync(user), "free", "expired", sub, renews, renews);

        // GET /auth/me shows the same user object, and so does the profile's tier.
        using var authMe = await silo.GetAsync("/api/v1/auth/me", user.AccessToken);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(await silo.UserMeAsync(user), (await authMe.AssertOkJsonAsync())["data"]));
    }

    [Fact]
    public async Task A_cancelled_subscription_past_its_ends_at_grants_free_without_any_further_event()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var ended = Seconds(DateTimeOffset.UtcNow.AddMinutes(-5));

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_cancelled", sub, user.UserId, BillingSilo.PremiumYearly, "cancelled", Base, renewsAt: ended, endsAt: ended));

        AssertSubscription(await silo.UserMeAsync(user), "free", "canceled", sub, ended, ended);
    }

    [Theory]
    [InlineData("on_trial", "active", "premium")]
    [InlineData("active", "active", "premium")]
    [InlineData("past_due", "past_due", "premium")]
    [InlineData("unpaid", "past_due", "free")]
    [InlineData("paused", "paused", "free")]
    [InlineData("expired", "expired", "free")]
    public async Task The_tier_follows_the_subscription_status(string status, string shownStatus, string tier)
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var renews = Seconds(DateTimeOffset.UtcNow.AddDays(20));

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.PremiumMonthly, status, Base, renewsAt: renews));

        AssertSubscription(await silo.UserMeAsync(user), tier, shownStatus, sub, renews, null);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public async Task Every_event_delivered_several_times_in_shuffled_order_converges_on_the_newest_state(int seed, bool allAtOnce)
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var renews = Seconds(DateTimeOffset.UtcNow.AddDays(30));
        var later = Seconds(DateTimeOffset.UtcNow.AddDays(60));
        byte[][] events =
        [
            SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProMonthly, "active", Base, renewsAt: renews),
            PaymentEvent(sub, $"{seed}001"),
            SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.PremiumMonthly, "active", Base.AddMinutes(1), renewsAt: renews),
            SubscriptionEvent("subscription_cancelled", sub, user.UserId, BillingSilo.PremiumMonthly, "cancelled", Base.AddMinutes(2), renewsAt: renews, endsAt: renews),
            SubscriptionEvent("subscription_resumed", sub, user.UserId, BillingSilo.PremiumYearly, "active", Base.AddMinutes(3), renewsAt: later), // the newest
            PaymentEvent(sub, $"{seed}002"),
        ];
        var deliveries = events.SelectMany(e => Enumerable.Repeat(e, 3)).ToArray();
        new Random(seed).Shuffle(deliveries);

        if (allAtOnce)
        {
            await Task.WhenAll(deliveries.Select(d => silo.DeliverOkAsync(d)));
        }
        else
        {
            foreach (var delivery in deliveries)
            {
                await silo.DeliverOkAsync(delivery);
            }
        }

        AssertSubscription(await silo.UserMeAsync(user), "premium", "active", sub, later, null);
        Assert.Equal(Base.AddMinutes(3).UtcDateTime, (await silo.SubscriptionRowAsync(sub))!.ProviderUpdatedAt);

        // Identical redeliveries share a row; every row is processed; exactly the newest state's event is the one applied last.
        var rows = await silo.BillingEventsAsync(sub);
        Assert.Equal(events.Length, rows.Count);
        Assert.All(rows, r => Assert.NotNull(r.ProcessedAt));
        Assert.Equal(2, rows.Count(r => r.Outcome == "recorded"));
        Assert.Equal("applied", rows.Single(r => r.Body.SequenceEqual(events[4])).Outcome);
    }

    [Fact]
    public async Task Every_applied_event_is_in_the_audit_log_with_its_event_id_status_and_tier()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var created = SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProYearly, "active", Base);
        var stale = SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.ProYearly, "on_trial", Base.AddMinutes(-1));

        await silo.DeliverOkAsync(created);
        await silo.DeliverOkAsync(stale);
        await silo.DeliverOkAsync(created);

        var applied = (await silo.BillingEventAsync(created))!;
        Assert.Equal("applied", applied.Outcome);
        Assert.Equal("stale", (await silo.BillingEventAsync(stale))!.Outcome);
        var audit = await silo.AuditRowsAsync("billing.subscription.applied", subjectId: sub);
        var entry = Assert.Single(audit); // the stale event and the redelivery applied nothing
        Assert.Equal(user.UserId, entry.ActorUserId);
        var details = JsonDocument.Parse(entry.Details).RootElement;
        Assert.Equal(applied.Id, details.GetProperty("event_id").GetInt64());
        Assert.Equal("subscription_created", details.GetProperty("event").GetString());
        Assert.Equal("active", details.GetProperty("status").GetString());
        Assert.Equal("pro", details.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_with_401_and_changes_nothing()
    {
        var user = await silo.RegisterAsync();
        var body = SubscriptionEvent("subscription_created", NewSubscriptionId(), user.UserId, BillingSilo.PremiumYearly, "active", Base);
        var eventsBefore = await silo.CountAsync("billing_events");
        var subscriptionsBefore = await silo.CountAsync("subscriptions");

        await (await silo.DeliverAsync(body, Sign(body, "another-secret-entirely"))).AssertWebhookRefusedAsync();
        await (await silo.DeliverAsync(body, signature: null)).AssertWebhookRefusedAsync();
        await (await silo.DeliverAsync(body, "not-hex-" + new string('z', 56))).AssertWebhookRefusedAsync();
        await (await silo.DeliverAsync(body, Sign(body)[..60])).AssertWebhookRefusedAsync();

        Assert.Equal(eventsBefore, await silo.CountAsync("billing_events"));
        Assert.Equal(subscriptionsBefore, await silo.CountAsync("subscriptions"));
        AssertSubscription(await silo.UserMeAsync(user), "free", null, null, null, null);
    }

    [Fact]
    public async Task A_body_altered_after_signing_is_refused_and_changes_nothing()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        await silo.DeliverOkAsync(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.ProMonthly, "active", Base));
        var genuine = SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.ProMonthly, "active", Base.AddMinutes(1));
        var signature = Sign(genuine);

        // The attacker keeps the signature and turns the plan into premium / the status into expired.
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(genuine).Replace($"\"variant_id\":{BillingSilo.ProMonthly}", $"\"variant_id\":{BillingSilo.PremiumYearly}", StringComparison.Ordinal));
        var expired = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(genuine).Replace("\"status\":\"active\"", "\"status\":\"expired\"", StringComparison.Ordinal));
        byte[] trailingByte = [.. genuine, (byte)' '];
        Assert.NotEqual(genuine, tampered);
        Assert.NotEqual(genuine, expired);

        await (await silo.DeliverAsync(tampered, signature)).AssertWebhookRefusedAsync();
        await (await silo.DeliverAsync(expired, signature)).AssertWebhookRefusedAsync();
        await (await silo.DeliverAsync(trailingByte, signature)).AssertWebhookRefusedAsync();

        Assert.Null(await silo.BillingEventAsync(tampered));
        Assert.Null(await silo.BillingEventAsync(expired));
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        Assert.Equal("active", (await silo.UserMeAsync(user))["subscription_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_signed_body_that_is_not_a_lemonsqueezy_event_is_answered_200_and_recorded_as_invalid()
    {
        var notJson = Encoding.UTF8.GetBytes("this is not json " + Guid.NewGuid());
        var noData = Encoding.UTF8.GetBytes("{\"meta\":{\"event_name\":\"subscription_created\"},\"nonce\":\"" + Guid.NewGuid() + "\"}");
        var order = Encoding.UTF8.GetBytes("{\"meta\":{\"event_name\":\"order_created\"},\"data\":{\"type\":\"orders\",\"id\":\"" + Random.Shared.Next() + "\",\"attributes\":{}}}");

        await silo.DeliverOkAsync(notJson);
        await silo.DeliverOkAsync(noData);
        await silo.DeliverOkAsync(order);

        Assert.Equal("invalid", (await silo.BillingEventAsync(notJson))!.Outcome);
        Assert.Equal("invalid", (await silo.BillingEventAsync(noData))!.Outcome);
        Assert.Equal("ignored", (await silo.BillingEventAsync(order))!.Outcome);
    }

    [Fact]
    public async Task A_subscription_first_seen_without_a_user_is_linked_when_an_event_names_one_and_the_first_link_stays()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.RegisterAsync();
        var sub = NewSubscriptionId();

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_created", sub, null, BillingSilo.ProMonthly, "active", Base));
        Assert.Null((await silo.SubscriptionRowAsync(sub))!.UserId);
        AssertSubscription(await silo.UserMeAsync(user), "free", null, null, null, null);

        // A later event (even an older one) that names the user links the subscription to them.
        await silo.DeliverOkAsync(SubscriptionEvent("subscription_updated", sub, user.UserId, BillingSilo.ProMonthly, "on_trial", Base.AddMinutes(-1)));
        Assert.Equal(user.UserId, (await silo.SubscriptionRowAsync(sub))!.UserId);
        Assert.Equal("pro", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());

        // An event naming someone else does not move it.
        await silo.DeliverOkAsync(SubscriptionEvent("subscription_updated", sub, other.UserId, BillingSilo.PremiumMonthly, "active", Base.AddMinutes(1)));
        Assert.Equal(user.UserId, (await silo.SubscriptionRowAsync(sub))!.UserId);
        Assert.Equal("premium", (await silo.UserMeAsync(user))["tier"]!.GetValue<string>());
        AssertSubscription(await silo.UserMeAsync(other), "free", null, null, null, null);
    }

    [Fact]
    public async Task An_event_naming_a_user_id_that_does_not_exist_is_stored_unmatched()
    {
        var sub = NewSubscriptionId();
        var body = SubscriptionEvent("subscription_created", sub, 987_654_321, BillingSilo.ProMonthly, "active", Base);

        await silo.DeliverOkAsync(body);

        Assert.Equal("unmatched", (await silo.BillingEventAsync(body))!.Outcome);
        Assert.Null((await silo.SubscriptionRowAsync(sub))!.UserId);
    }

    [Fact]
    public async Task A_variant_that_is_not_a_hivesync_plan_grants_free()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_created", sub, user.UserId, 123_456_789, "active", Base));

        AssertSubscription(await silo.UserMeAsync(user), "free", "active", sub, null, null);
    }

    [Fact]
    public async Task The_tier_from_a_subscription_event_applies_to_the_callers_tier_on_the_very_next_request()
    {
        var user = await silo.RegisterAsync();
        var sub = NewSubscriptionId();
        var premiumMax = silo.Service<Microsoft.Extensions.Options.IOptions<Grains.Interfaces.Limits.TierOptions>>().Value.Premium.MaxPageSize;
        var freeMax = silo.Service<Microsoft.Extensions.Options.IOptions<Grains.Interfaces.Limits.TierOptions>>().Value.Free.MaxPageSize;
        Assert.True(premiumMax > freeMax);

        using var before = await silo.GetAsync($"/api/v1/auth/sessions?page_size={premiumMax}", user.AccessToken);
        await before.AssertValidationErrorAsync("page_size");

        await silo.DeliverOkAsync(SubscriptionEvent("subscription_created", sub, user.UserId, BillingSilo.PremiumMonthly, "active", Base));

        using var after = await silo.GetAsync($"/api/v1/auth/sessions?page_size={premiumMax}", user.AccessToken);
        await after.AssertOkJsonAsync();
    }

    [Fact]
    public async Task The_webhook_needs_no_bearer_token_ignores_a_bad_one_and_answers_405_to_get()
    {
        var withoutToken = Payload(CapturedCreated);
        var withGarbageToken = PaymentEvent(NewSubscriptionId(), Random.Shared.Next(1, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await silo.DeliverOkAsync(withoutToken);
        using (var stray = await silo.SendAsync(Delivery(withGarbageToken) with { Bearer = "garbage-not-a-jwt" })) // LemonSqueezy sends none; a stray one must not matter either
        {
            await stray.AssertReceivedAsync();
        }

        using var get = await silo.Http.GetAsync("/api/v1/billing/webhook");

        Assert.NotNull(await silo.BillingEventAsync(withoutToken));
        Assert.NotNull(await silo.BillingEventAsync(withGarbageToken));
        await get.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }
}
