using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Limits;

/// <summary>
/// The grain write rule on the quota: when its grain-state write really fails (PostgreSQL refuses it), the caller
/// gets an error, the grain's answers stay what storage holds, and the same call succeeds once writes work again.
/// </summary>
public sealed class UsageQuotaWriteFailureTests(UsageQuotaCluster fixture) : IClassFixture<UsageQuotaCluster>
{
    [Fact]
    public async Task A_grant_whose_write_fails_is_an_error_counts_nothing_and_is_granted_when_retried()
    {
        var (quota, key) = NewQuota();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        await quota.TryConsume(new QuotaRequest(first, Limit: 3));

        await using (await FailingWrites.OnAsync(fixture.ConnectionString, "orleansstorage"))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => quota.TryConsume(new QuotaRequest(second, Limit: 3, Amount: 2)));

            Assert.Equal(1, (await quota.GetUsage(3)).Used);
            Assert.Equal(1, (await fixture.StoredAsync(key))!.Used);
        }

        var retried = await quota.TryConsume(new QuotaRequest(second, Limit: 3, Amount: 2));

        Assert.True(retried is { Granted: true, Replayed: false, Used: 3 }); // counted once, now
        var stored = (await fixture.StoredAsync(key))!;
        Assert.Equal(3, stored.Used);
        Assert.Equal(2, stored.Reservations[second]);
        Assert.Equal(stored.Used, (await quota.GetUsage(3)).Used);
    }

    [Fact]
    public async Task A_release_whose_write_fails_is_an_error_keeps_the_grant_and_releases_it_when_retried()
    {
        var (quota, key) = NewQuota();
        var kept = Guid.NewGuid();
        var released = Guid.NewGuid();
        await quota.TryConsume(new QuotaRequest(kept, Limit: 2));
        await quota.TryConsume(new QuotaRequest(released, Limit: 2));

        await using (await FailingWrites.OnAsync(fixture.ConnectionString, "orleansstorage"))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => quota.Release(released));

            Assert.Equal(2, (await quota.GetUsage(2)).Used);
            Assert.False((await quota.TryConsume(new QuotaRequest(Guid.NewGuid(), Limit: 2))).Granted); // still full
            Assert.Equal(2, (await fixture.StoredAsync(key))!.Used);
        }

        Assert.True(await quota.Release(released));

        var stored = (await fixture.StoredAsync(key))!;
        Assert.Equal([kept], stored.Reservations.Keys);
        Assert.Equal(1, (await quota.GetUsage(2)).Used);
    }

    private (IUsageQuotaGrain Quota, string Key) NewQuota()
    {
        var user = UsageQuotaCluster.NewUserId();
        return (fixture.Grains.GetUsageQuota(user, QuotaKind.PreviewsPerDay), QuotaKind.PreviewsPerDay.KeyFor(user));
    }
}
