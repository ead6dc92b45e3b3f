using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Tests.Platform;
using HiveSync.WebApi.Platform;
using Orleans.Runtime.Placement;
using Xunit.Abstractions;

namespace HiveSync.Tests.Limits;

/// <summary>
/// Quota exactness across silos: the quota grain is placed on a silo process, and the calls come concurrently from
/// two other silos hosted in the test process (members of the same cluster, calling through their grain factories),
/// so every call crosses silos. Then the same race with the grain's silo killed in the middle.
/// </summary>
public sealed class UsageQuotaTwoSiloTests(ITestOutputHelper output)
{
    private const long Limit = 37;
    private const long UserId = 7;

    [Fact]
    public async Task Concurrent_consumption_from_two_silos_grants_exactly_the_limit_and_persists_every_grant()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(UsageQuotaTwoSiloTests), processes: 2);
        IGrainFactory[] callers = [(await cluster.JoinInProcessAsync()).Grains, (await cluster.JoinInProcessAsync()).Grains];
        var quotaSilo = await cluster.AddressOfAsync(cluster.Processes[0]);
        await ActivateOnAsync(callers[0], quotaSilo);
        var key = QuotaKind.PreviewsPerDay.KeyFor(UserId);

        // 200 distinct reservations at once, half from each calling silo.
        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Quota(callers[i % 2]).TryConsume(new QuotaRequest(Guid.NewGuid(), Limit))));

        var granted = decisions.Where(d => d.Granted).ToList();
        Assert.Equal(Limit, granted.Count);
        Assert.Equal(Enumerable.Range(1, (int)Limit).Select(u => (long)u), granted.Select(d => d.Used).Order()); // one at a time, none counted twice
        Assert.All(decisions.Where(d => !d.Granted), d => Assert.Equal(Limit, d.Used));
        var stored = await StoredQuota.ReadAsync(cluster.Database, key);
        Assert.Equal(Limit, stored!.Used);
        Assert.Equal(granted.Select(d => d.ReservationId).Order(), stored.Reservations.Keys.Order());
        Assert.Equal(quotaSilo, await WhereIsAsync(callers[1])); // the race never moved the grain

        // Release ten grants, each from both calling silos at once: released exactly once; then exactly ten more fit.
        var toRelease = granted.Take(10).Select(d => d.ReservationId).ToList();
        var released = await Task.WhenAll(toRelease.SelectMany(id => callers.Select(g => Quota(g).Release(id))));
        Assert.Equal(10, released.Count(r => r));
        var again = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Quota(callers[i % 2]).TryConsume(new QuotaRequest(Guid.NewGuid(), Limit))));
        Assert.Equal(10, again.Count(d => d.Granted));

        Assert.Equal(Limit, (await Quota(callers[1]).GetUsage(Limit)).Used);
        Assert.Equal(Limit, (await StoredQuota.ReadAsync(cluster.Database, key))!.Used);
    }

    [Fact]
    public async Task Killing_the_quota_grains_silo_mid_race_and_retrying_what_failed_still_grants_exactly_the_limit()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(UsageQuotaTwoSiloTests) + "Kill", processes: 2);
        IGrainFactory[] callers = [(await cluster.JoinInProcessAsync()).Grains, (await cluster.JoinInProcessAsync()).Grains];
        var doomed = cluster.Processes[0];
        await ActivateOnAsync(callers[0], await cluster.AddressOfAsync(doomed));

        // 200 reservations at once; the grain's silo dies once a few grants have been answered.
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();
        var grantsAnswered = 0;
        var racing = ids.Select(async (id, i) =>
        {
            try
            {
                var decision = await Quota(callers[i % 2]).TryConsume(new QuotaRequest(id, Limit));
                if (decision.Granted)
                {
                    Interlocked.Increment(ref grantsAnswered);
                }

                return (Id: id, Decision: decision, Error: (Exception?)null);
            }
            catch (Exception error)
            {
                return (Id: id, Decision: (QuotaDecision?)null, Error: error);
            }
        }).ToList();
        while (Volatile.Read(ref grantsAnswered) < 5 && !racing.All(t => t.IsCompleted))
        {
            await Task.Delay(1);
        }

        var grantsAtKill = Volatile.Read(ref grantsAnswered);
        cluster.Kill(doomed);
        var answers = await Task.WhenAll(racing);
        var errored = answers.Where(a => a.Error is not null).Select(a => a.Id).ToList();
        var acknowledged = answers.Where(a => a.Decision?.Granted == true).Select(a => a.Id).ToList();
        output.WriteLine($"quota race under SIGKILL: killed after {grantsAtKill} grants; {acknowledged.Count} grants answered, {errored.Count} calls failed ({string.Join(", ", answers.Where(a => a.Error is not null).Select(a => a.Error!.GetType().Name).Distinct())})");
        Assert.All(answers.Where(a => a.Error is not null), a => Assert.True(ErrorHandlingMiddleware.IsTransientClusterFault(a.Error!), a.Error!.ToString()));

        // After failover the grain reactivates from storage (the silos' own brief retry may already have carried most
        // calls over); the reservations that still failed are retried with their own ids.
        await cluster.WaitAllActiveAsync();
        var retried = new List<QuotaDecision>();
        foreach (var id in errored)
        {
            retried.Add(await RetryWhileClusterFaultAsync(() => Quota(callers[0]).TryConsume(new QuotaRequest(id, Limit))));
        }

        var grantedIds = acknowledged.Concat(retried.Where(d => d.Granted).Select(d => d.ReservationId)).ToList();
        Assert.Equal(grantedIds.Count, grantedIds.Distinct().Count());
        Assert.Equal(Limit, grantedIds.Count);
        var stored = await StoredQuota.ReadAsync(cluster.Database, QuotaKind.PreviewsPerDay.KeyFor(UserId));
        Assert.Equal(grantedIds.Order(), stored!.Reservations.Keys.Order()); // every acknowledged grant, nothing else
        Assert.Equal(Limit, (await Quota(callers[1]).GetUsage(Limit)).Used);
    }

    private static IUsageQuotaGrain Quota(IGrainFactory grains) => grains.GetUsageQuota(UserId, QuotaKind.PreviewsPerDay);

    /// <summary>Activates the quota grain on <paramref name="silo"/> (a placement hint on the first call).</summary>
    private static async Task ActivateOnAsync(IGrainFactory grains, SiloAddress silo)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            await Quota(grains).GetUsage(Limit);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        Assert.Equal(silo, await WhereIsAsync(grains));
    }

    private static async Task<SiloAddress?> WhereIsAsync(IGrainFactory grains) =>
        await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(Quota(grains));

    private static async Task<T> RetryWhileClusterFaultAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception error) when (ErrorHandlingMiddleware.IsTransientClusterFault(error) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
