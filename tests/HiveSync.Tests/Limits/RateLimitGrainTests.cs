using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Limits;

/// <summary>The real rate-limit grain, with domain time starting on a whole second.</summary>
public sealed class RateLimitCluster : GrainTestCluster
{
    protected override DateTimeOffset Start => new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>The GCRA bucket: bursts up to the limit, then one request per emission interval.</summary>
public sealed class RateLimitGrainTests(RateLimitCluster fixture) : IClassFixture<RateLimitCluster>
{
    private static readonly RateLimitPolicy FivePerMinute = new("test", 5, 60);

    [Fact]
    public async Task A_full_bucket_admits_exactly_the_limit_then_refuses_with_the_wait_for_the_next_slot()
    {
        var bucket = NewBucket();

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 6; i++)
        {
            decisions.Add(await bucket.Acquire(FivePerMinute));
        }

        Assert.Equal([true, true, true, true, true, false], decisions.Select(d => d.Allowed));
        Assert.Equal([4, 3, 2, 1, 0, 0], decisions.Select(d => d.Remaining));
        Assert.Equal(12, decisions[5].RetryAfterSeconds); // 60 s / 5
        Assert.Equal(60, decisions[4].ResetSeconds);
    }

    [Fact]
    public async Task The_bucket_refills_one_request_per_emission_interval()
    {
        var bucket = NewBucket();
        for (var i = 0; i < 5; i++)
        {
            await bucket.Acquire(FivePerMinute);
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.False((await bucket.Acquire(FivePerMinute)).Allowed);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await bucket.Acquire(FivePerMinute)).Allowed);
        Assert.False((await bucket.Acquire(FivePerMinute)).Allowed);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(5, (await bucket.Peek(FivePerMinute)).Remaining);
    }

    [Fact]
    public async Task Peek_takes_nothing_and_release_gives_one_back()
    {
        var bucket = NewBucket();

        await bucket.Peek(FivePerMinute);
        await bucket.Acquire(FivePerMinute);
        await bucket.Acquire(FivePerMinute);
        await bucket.Release(FivePerMinute);

        Assert.Equal(4, (await bucket.Peek(FivePerMinute)).Remaining);
        await bucket.Release(FivePerMinute);
        await bucket.Release(FivePerMinute); // never more than full
        Assert.Equal(5, (await bucket.Peek(FivePerMinute)).Remaining);
    }

    [Fact]
    public async Task Buckets_of_different_subjects_are_independent()
    {
        var first = NewBucket();
        var second = NewBucket();
        for (var i = 0; i < 5; i++)
        {
            await first.Acquire(FivePerMinute);
        }

        Assert.False((await first.Acquire(FivePerMinute)).Allowed);
        Assert.True((await second.Acquire(FivePerMinute)).Allowed);
    }

    [Fact]
    public async Task A_non_positive_policy_is_refused()
    {
        var error = await Assert.ThrowsAsync<HiveSync.Grains.Interfaces.Platform.DomainException>(() => NewBucket().Acquire(new RateLimitPolicy("bad", 0, 60)));

        Assert.Equal("VALIDATION_ERROR", error.Code);
    }

    private IRateLimitGrain NewBucket() =>
        fixture.Grains.GetGrain<IRateLimitGrain>(RateLimitKeys.Bucket("test", Guid.NewGuid().ToString("N")));
}
