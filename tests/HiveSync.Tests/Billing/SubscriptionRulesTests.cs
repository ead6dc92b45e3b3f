using System.Text;
using HiveSync.Grains.Billing;
using HiveSync.Grains.Interfaces.Billing;

namespace HiveSync.Tests.Billing;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void The_signature_is_lowercase_hex_hmac_sha256_of_the_body()
    {
        // The RFC 4231-style textbook vector: HMAC-SHA256(key "key", "The quick brown fox jumps over the lazy dog").
        var body = Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog");

        Assert.Equal("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", WebhookSignature.Sign("key", body));
        Assert.True(WebhookSignature.IsValid("key", body, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd9")] // last digit changed
    [InlineData("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3c")] // truncated
    [InlineData("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")] // another provider's format
    [InlineData("zzbc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")] // not hex
    public void Anything_but_the_exact_signature_is_refused(string? signature)
    {
        Assert.False(WebhookSignature.IsValid("key", Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog"), signature));
    }

    [Fact]
    public void The_signature_covers_the_raw_bytes_so_reserialised_json_does_not_verify()
    {
        var raw = Encoding.UTF8.GetBytes("{\"url\":\"https:\\/\\/x.example\\/a\"}"); // LemonSqueezy escapes slashes
        var reserialised = Encoding.UTF8.GetBytes(System.Text.Json.Nodes.JsonNode.Parse(raw)!.ToJsonString());

        Assert.False(WebhookSignature.IsValid("secret", reserialised, WebhookSignature.Sign("secret", raw)));
    }
}

public sealed class SubscriptionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("on_trial", null, "pro")]
    [InlineData("active", null, "pro")]
    [InlineData("past_due", null, "pro")]
    [InlineData("cancelled", 1, "pro")]
    [InlineData("cancelled", -1, "free")]
    [InlineData("cancelled", null, "free")]
    [InlineData("unpaid", null, "free")]
    [InlineData("paused", null, "free")]
    [InlineData("expired", 30, "free")]
    [InlineData("something_new", null, "free")]
    public void The_tier_follows_the_status(string status, int? endsInHours, string tier)
    {
        var state = State(status, endsAt: endsInHours is { } h ? Now.AddHours(h) : null);

        Assert.Equal(tier, SubscriptionRules.EffectiveTier(state, Now));
    }

    [Fact]
    public void A_variant_that_sells_no_tier_grants_free_whatever_the_status()
    {
        Assert.Equal("free", SubscriptionRules.EffectiveTier(State("active", tier: null), Now));
    }

    [Theory]
    [InlineData("active", null, true)]
    [InlineData("on_trial", null, true)]
    [InlineData("paused", null, true)]
    [InlineData("past_due", null, true)]
    [InlineData("unpaid", null, true)]
    [InlineData("cancelled", 1, true)]
    [InlineData("cancelled", -1, false)]
    [InlineData("expired", null, false)]
    public void Live_means_it_could_still_charge_or_be_resumed(string status, int? endsInHours, bool live)
    {
        Assert.Equal(live, SubscriptionRules.IsLive(State(status, endsAt: endsInHours is { } h ? Now.AddHours(h) : null), Now));
    }

    [Theory]
    [InlineData("on_trial", "active")]
    [InlineData("active", "active")]
    [InlineData("past_due", "past_due")]
    [InlineData("unpaid", "past_due")]
    [InlineData("cancelled", "canceled")]
    [InlineData("paused", "paused")]
    [InlineData("expired", "expired")]
    public void The_status_is_shown_in_the_plans_vocabulary(string status, string shown)
    {
        Assert.Equal(shown, SubscriptionRules.ApiStatus(status));
    }

    [Fact]
    public void The_shown_subscription_is_the_one_granting_the_highest_tier_now()
    {
        var oldPremiumExpired = State("expired", tier: "premium", id: "1", updatedAt: Now.AddDays(-1));
        var pro = State("active", tier: "pro", id: "2", updatedAt: Now.AddDays(-10));

        Assert.Equal("2", SubscriptionRules.Current([oldPremiumExpired, pro], Now)!.SubscriptionId);
        Assert.Equal("1", SubscriptionRules.Current([oldPremiumExpired], Now)!.SubscriptionId);
        Assert.Null(SubscriptionRules.Current([], Now));
    }

    [Fact]
    public void States_order_by_updated_at_and_the_same_second_by_lifecycle_then_hash()
    {
        var active = State("active", updatedAt: Now);
        var cancelled = State("cancelled", endsAt: Now.AddDays(3), updatedAt: Now);
        var later = State("active", updatedAt: Now.AddSeconds(1));

        Assert.True(SubscriptionRules.Compare(cancelled, active) > 0);
        Assert.True(SubscriptionRules.Compare(later, cancelled) > 0);
        Assert.Equal(0, SubscriptionRules.Compare(active, State("active", updatedAt: Now)));
        Assert.NotEqual(0, SubscriptionRules.Compare(active, State("active", updatedAt: Now, renewsAt: Now.AddDays(1))));
    }

    private static SubscriptionState State(string status, DateTimeOffset? endsAt = null, string? tier = "pro", string id = "1", DateTimeOffset? updatedAt = null, DateTimeOffset? renewsAt = null) =>
        new(id, 1, 10, tier, "monthly", status, status == "cancelled", renewsAt, endsAt, null, updatedAt ?? Now.AddDays(-1),
            SubscriptionRules.TieBreak(status, 10, status == "cancelled", renewsAt, endsAt, null), null, null, null, false, null);
}

public sealed class BillingRetryDelayTests
{
    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(3, 240)]
    [InlineData(7, 3600)]
    [InlineData(50, 3600)]
    public void The_delay_doubles_from_the_first_and_stops_at_the_maximum(int attempt, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), BillingEventProcessor.RetryDelay(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), attempt));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(50)]
    [InlineData(1000)]
    public void A_long_first_delay_stays_at_the_maximum_however_many_attempts_and_never_wraps_around(int attempt)
    {
        // 20 minutes × 2^30 does not fit in a long of ticks: the delay must saturate, not wrap into the past.
        Assert.Equal(TimeSpan.FromDays(1), BillingEventProcessor.RetryDelay(TimeSpan.FromMinutes(20), TimeSpan.FromDays(1), attempt));
    }
}

public sealed class LemonSqueezyEventParseTests
{
    [Theory]
    [InlineData("{\"meta\":{\"event_name\":\"subscription_\\uD800created\"},\"data\":{\"type\":\"subscriptions\",\"id\":\"1\",\"attributes\":{}}}")]
    [InlineData("{\"meta\":{\"event_name\":\"subscription_updated\"},\"data\":{\"type\":\"subscriptions\",\"id\":\"1\",\"attributes\":{\"variant_id\":1,\"status\":\"act\\uDC00ive\",\"updated_at\":\"2026-01-01T00:00:00.000000Z\"}}}")]
    [InlineData("{\"meta\":{\"event_name\":\"subscription_updated\"},\"data\":{\"type\":\"sub\\uD83Dscriptions\",\"id\":\"1\",\"attributes\":{}}}")]
    public void A_signed_body_with_strings_that_are_not_valid_text_is_invalid_rather_than_an_exception(string json)
    {
        // Parse promises never to throw: an exception would be retried as a processing failure for days.
        var parsed = LemonSqueezyEvent.Parse(Encoding.UTF8.GetBytes(json), new BillingOptions());

        Assert.Equal(LemonSqueezyEventKind.Invalid, parsed.Kind);
    }
}
