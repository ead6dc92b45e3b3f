using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Limits;

/// <summary>
/// With two silos serving, N concurrent requests against a limit L admit exactly L. The buckets refill in real time
/// (one request per 60/L seconds) in silo processes whose clock a test cannot hold still, so each burst starts on a
/// full bucket and is checked against what GCRA may admit while it lasts: exactly L when it takes less than one
/// refill interval (a healthy run), L plus one per whole interval on a machine slow enough to stretch it.
/// </summary>
public sealed class RateLimitTwoSiloTests
{
    private const int AnonymousLimit = 25;
    private const int PerUserLimit = 17;

    [Fact]
    public async Task Concurrent_requests_spread_over_two_silos_admit_exactly_the_limit_per_ip_and_per_user()
    {
        var settings = new Dictionary<string, string>
        {
            ["RateLimits:AnonymousPerMinute:auth"] = AnonymousLimit.ToString(CultureInfo.InvariantCulture),
            ["Tiers:Free:RequestsPerMinute:profile"] = PerUserLimit.ToString(CultureInfo.InvariantCulture),
            ["Tiers:Pro:RequestsPerMinute:profile"] = PerUserLimit.ToString(CultureInfo.InvariantCulture),
            ["Tiers:Premium:RequestsPerMinute:profile"] = PerUserLimit.ToString(CultureInfo.InvariantCulture),
        };
        await using var cluster = await SiloCluster.StartAsync(nameof(RateLimitTwoSiloTests), processes: 2, settings);
        using var viaFirst = new HttpClient { BaseAddress = cluster.Processes[0].BaseAddress };
        using var viaSecond = new HttpClient { BaseAddress = cluster.Processes[1].BaseAddress };

        // The sign-up takes one request from 127.0.0.1's auth bucket: wait until its answer says the bucket is full again.
        using var registered = await viaFirst.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/register")
        {
            Body = JsonSerializer.Serialize(new { email = $"two-{Guid.NewGuid():N}@example.com", password = "correct horse battery" }),
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = (await registered.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();
        await Task.Delay(SecondsUntilFull(registered));

        // Per client IP (both silos see 127.0.0.1): 100 refreshes with a garbage token; the admitted ones answer 401.
        var anonymous = await BurstAsync(100, i =>
            (i % 2 == 0 ? viaFirst : viaSecond).SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh") { Body = TightRateLimitSilo.UnknownRefreshToken }));
        AssertAdmittedExactly(AnonymousLimit, anonymous, HttpStatusCode.Unauthorized);

        // Per user: 60 profile reads with one token (a bucket nothing has drawn from yet), split over both silos.
        var signedIn = await BurstAsync(60, i => (i % 2 == 0 ? viaFirst : viaSecond).SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/profile") { Bearer = token }));
        AssertAdmittedExactly(PerUserLimit, signedIn, HttpStatusCode.OK);
    }

    /// <summary>The <c>t</c> of the <c>RateLimit</c> field: whole seconds until the bucket is full again.</summary>
    private static TimeSpan SecondsUntilFull(HttpResponseMessage response)
    {
        var field = string.Join(",", response.Headers.GetValues("RateLimit"));
        var t = field.Split(';').Single(p => p.StartsWith("t=", StringComparison.Ordinal));
        return TimeSpan.FromSeconds(int.Parse(t[2..], CultureInfo.InvariantCulture));
    }

    private static async Task<Burst> BurstAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(send));
        return new Burst(responses, clock.Elapsed);
    }

    /// <summary>
    /// From a full bucket, GCRA admits the limit at once and one more per whole emission interval that passes, so a
    /// burst lasting <see cref="Burst.Elapsed"/> (which spans every decision in it) admits from the limit to the limit
    /// plus the intervals elapsed: exactly the limit unless the burst outlasts an interval.
    /// </summary>
    private static void AssertAdmittedExactly(int limit, Burst burst, HttpStatusCode admittedStatus)
    {
        var interval = TimeSpan.FromSeconds(60) / limit;
        var refills = (int)Math.Floor(burst.Elapsed / interval);
        var admitted = burst.Responses.Count(r => r.StatusCode == admittedStatus);
        var refused = burst.Responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        var statuses = string.Join(", ", burst.Responses.Select(r => (int)r.StatusCode));

        Assert.True(admitted + refused == burst.Responses.Length, statuses);
        Assert.True(admitted >= limit && admitted <= limit + refills, $"{admitted} admitted of limit {limit}, burst of {burst.Elapsed.TotalSeconds:F1} s: {statuses}");
    }

    private sealed record Burst(HttpResponseMessage[] Responses, TimeSpan Elapsed);
}
