using System.Text.Json;
using System.Text.Json.Nodes;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Limits;

/// <summary>The real quota grain with its real grain storage, so persistence is real.</summary>
public sealed class UsageQuotaCluster : GrainTestCluster
{
    private static long _nextUserId = 1000;

    /// <summary>A user id no other test uses, so each test has quotas of its own.</summary>
    public static long NewUserId() => Interlocked.Increment(ref _nextUserId);

    // Noon: no test crosses a period boundary unless it moves the clock itself.
    protected override DateTimeOffset Start => new(2026, 3, 11, 12, 0, 0, TimeSpan.Zero);

    public Task<StoredQuota?> StoredAsync(string key) => StoredQuota.ReadAsync(ConnectionString, key);
}

public sealed class UsageQuotaGrainTests(UsageQuotaCluster fixture) : IClassFixture<UsageQuotaCluster>
{
    [Fact]
    public async Task Consuming_up_to_the_limit_is_granted_and_anything_beyond_is_refused_without_being_counted()
    {
        var quota = NewQuota(out _);
        var nextMidnight = new DateTimeOffset(fixture.Time.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

        var first = await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3));
        var second = await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3));
        var tooMuch = await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3, Amount: 2));
        var third = await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3));
        var fourth = await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3));

        Assert.Equal([(true, 1L, 2L), (true, 2L, 1L), (false, 2L, 1L), (true, 3L, 0L), (false, 3L, 0L)],
            new[] { first, second, tooMuch, third, fourth }.Select(d => (d.Granted, d.Used, d.Remaining)));
        Assert.All(new[] { first, second, tooMuch, third, fourth }, d => Assert.Equal(nextMidnight, d.ResetsAt));
        Assert.Equal(3, (await quota.GetUsage(3)).Used);
    }

    [Fact]
    public async Task Retrying_a_granted_reservation_answers_granted_again_without_consuming_twice()
    {
        var quota = NewQuota(out _);
        var reservation = Guid.NewGuid();

        var first = await quota.TryConsume(new QuotaRequest(reservation, Limit: 5, Amount: 2));
        var retries = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => quota.TryConsume(new QuotaRequest(reservation, Limit: 5, Amount: 2))));

        Assert.True(first is { Granted: true, Replayed: false, Used: 2 });
        Assert.All(retries, r => Assert.True(r is { Granted: true, Replayed: true, Used: 2, Remaining: 3 }));
        Assert.Equal(2, (await quota.GetUsage(5)).Used);

        // The same id with another amount is a caller's bug, not a retry.
        var conflict = await Assert.ThrowsAsync<DomainException>(() => quota.TryConsume(new QuotaRequest(reservation, Limit: 5, Amount: 3)));
        Assert.Equal(ErrorCodes.Conflict.Code, conflict.Code);
        Assert.Equal(2, (await quota.GetUsage(5)).Used);
    }

    [Fact]
    public async Task Releasing_a_reservation_gives_it_back_once_and_unknown_reservations_release_nothing()
    {
        var quota = NewQuota(out _);
        var kept = Guid.NewGuid();
        var failedToStart = Guid.NewGuid();
        await quota.TryConsume(new QuotaRequest(kept, Limit: 2));
        await quota.TryConsume(new QuotaRequest(failedToStart, Limit: 2));
        Assert.False((await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 2))).Granted);

        Assert.True(await quota.Release(failedToStart));
        Assert.False(await quota.Release(failedToStart));
        Assert.False(await quota.Release(Guid.NewGuid()));

        Assert.Equal(1, (await quota.GetUsage(2)).Used);
        Assert.True((await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 2))).Granted);
        Assert.False((await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 2))).Granted);
        Assert.Equal(2, (await quota.GetUsage(2)).Used);
    }

    [Fact]
    public async Task Usage_starts_again_from_zero_at_midnight_utc_and_an_earlier_days_reservation_releases_nothing()
    {
        var quota = NewQuota(out var key);
        var yesterdays = Guid.NewGuid();
        await quota.TryConsume(new QuotaRequest(yesterdays, Limit: 1));
        var now = fixture.Time.GetUtcNow();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

        fixture.Time.Advance(midnight - now - TimeSpan.FromMilliseconds(1));
        Assert.False((await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 1))).Granted);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, (await quota.GetUsage(1)).Used);
        Assert.False(await quota.Release(yesterdays));
        var today = await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 1));

        Assert.True(today is { Granted: true, Used: 1 });
        Assert.Equal(midnight.AddDays(1), today.ResetsAt);
        Assert.Equal(midnight, (await quota.GetUsage(1)).PeriodStart);
        // The stored state holds today's reservation only: it never grows beyond one period.
        var stored = await fixture.StoredAsync(key);
        Assert.Equal(midnight.UtcDateTime, stored!.PeriodStart);
        Assert.Equal([today.ReservationId], stored.Reservations.Keys);
    }

    [Fact]
    public async Task A_grant_is_in_postgresql_before_it_is_answered_and_survives_deactivation()
    {
        var quota = NewQuota(out var key);
        var reservation = Guid.NewGuid();
        Assert.Null(await fixture.StoredAsync(key));

        await quota.TryConsume(new QuotaRequest(reservation, Limit: 4, Amount: 3));

        var stored = await fixture.StoredAsync(key);
        Assert.Equal(new Dictionary<Guid, int> { [reservation] = 3 }, stored!.Reservations);

        await fixture.Cluster.DeactivateAsync(quota);

        Assert.Equal(3, (await quota.GetUsage(4)).Used);
        Assert.True((await quota.TryConsume(new QuotaRequest(reservation, Limit: 4, Amount: 3))).Replayed);
        Assert.False((await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 4, Amount: 2))).Granted);
        Assert.True(await quota.Release(reservation));
        Assert.Equal(0, (await fixture.StoredAsync(key))!.Used);
    }

    [Fact]
    public async Task A_lowered_limit_refuses_further_use_but_keeps_what_was_granted()
    {
        var quota = NewQuota(out _);
        var granted = Guid.NewGuid();
        await quota.TryConsume(new QuotaRequest(granted, Limit: 5, Amount: 3));
        await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 5));

        var refused = await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3));
        var retried = await quota.TryConsume(new QuotaRequest(granted, Limit: 3, Amount: 3));
        var usage = await quota.GetUsage(3);

        Assert.True(refused is { Granted: false, Used: 4, Limit: 3, Remaining: 0 });
        Assert.True(retried is { Granted: true, Replayed: true });
        Assert.True(usage is { Used: 4, Remaining: 0 });
        Assert.False((await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 0))).Granted);
    }

    [Fact]
    public async Task Invalid_limits_amounts_reservation_ids_and_kinds_are_validation_errors()
    {
        var quota = NewQuota(out var key);
        var user = UsageQuotaCluster.NewUserId();

        await AssertInvalidAsync("limit", () => quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: -1)));
        await AssertInvalidAsync("limit", () => quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: QuotaRequest.MaxLimit + 1)));
        await AssertInvalidAsync("limit", () => quota.GetUsage(-1));
        await AssertInvalidAsync("amount", () => quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3, Amount: 0)));
        await AssertInvalidAsync("amount", () => quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 3, Amount: -2)));
        await AssertInvalidAsync("reservation_id", () => quota.TryConsume(new QuotaRequest(Guid.Empty, Limit: 3)));
        await AssertInvalidAsync("reservation_id", () => quota.Release(Guid.Empty));
        await AssertInvalidAsync("request", () => quota.TryConsume(null!));
        await AssertInvalidAsync("kind", () => fixture.Grains.GetGrain<IUsageQuotaGrain>($"quota-{user}-").GetUsage(3));
        await AssertInvalidAsync("kind", () => fixture.Grains.GetGrain<IUsageQuotaGrain>($"quota-{user}-previews_per_year").GetUsage(3));
        await AssertInvalidAsync("key", () => fixture.Grains.GetGrain<IUsageQuotaGrain>("quota-0-previews_per_day").GetUsage(3));
        await AssertInvalidAsync("key", () => fixture.Grains.GetGrain<IUsageQuotaGrain>($"{user}-previews_per_day").GetUsage(3));

        Assert.Null(await fixture.StoredAsync(key)); // nothing invalid was counted
    }

    [Fact]
    public async Task A_refusal_enforced_through_the_tier_policy_is_tier_limit_exceeded_with_the_upgrade_tier_and_reset_time()
    {
        var options = new TierOptions();
        var user = UsageQuotaCluster.NewUserId();
        for (var i = 0; i < options.Free.AiDocsPerDay; i++)
        {
            Assert.True((await fixture.Grains.EnforceQuotaAsync(user, QuotaKind.AiDocsPerDay, options, Tiers.Free, Guid.NewGuid())).Granted);
        }

        var error = await Assert.ThrowsAsync<DomainException>(() => fixture.Grains.EnforceQuotaAsync(user, QuotaKind.AiDocsPerDay, options, Tiers.Free, Guid.NewGuid()));

        Assert.Equal(ErrorCodes.TierLimitExceeded.Code, error.Code);
        var details = JsonDocument.Parse(error.DetailsJson!).RootElement;
        Assert.Equal("ai_docs_per_day", details.GetProperty("limit").GetString());
        Assert.Equal(options.Free.AiDocsPerDay, details.GetProperty("max").GetInt64());
        Assert.Equal(options.Free.AiDocsPerDay, details.GetProperty("current").GetInt64());
        Assert.Equal(Tiers.Free, details.GetProperty("tier").GetString());
        Assert.Equal(Tiers.Pro, details.GetProperty("upgrade_to").GetString());
        var resetsAt = details.GetProperty("resets_at").GetString()!;
        Assert.EndsWith("Z", resetsAt, StringComparison.Ordinal);
        Assert.Equal(fixture.Time.GetUtcNow().UtcDateTime.Date.AddDays(1), DateTime.Parse(resetsAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal));

        // The pro limit applies to the same counter once the user upgrades.
        Assert.True((await fixture.Grains.EnforceQuotaAsync(user, QuotaKind.AiDocsPerDay, options, Tiers.Pro, Guid.NewGuid())).Granted);
    }

    private IUsageQuotaGrain NewQuota(out string key)
    {
        var user = UsageQuotaCluster.NewUserId();
        key = QuotaKind.PreviewsPerDay.KeyFor(user);
        return fixture.Grains.GetUsageQuota(user, QuotaKind.PreviewsPerDay);
    }

    private static async Task AssertInvalidAsync(string field, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<DomainException>(call);
        Assert.Equal(ErrorCodes.ValidationError.Code, error.Code);
        Assert.True(JsonNode.Parse(error.DetailsJson!)![field] is JsonArray, $"details lack '{field}': {error.DetailsJson}");
    }
}
