using System.Net;
using System.Net.Http.Json;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Limits;

/// <summary>With two silos serving, N concurrent requests against a limit L admit exactly L.</summary>
public sealed class RateLimitTwoSiloTests
{
    [Fact]
    public async Task Concurrent_requests_spread_over_two_silos_admit_exactly_the_limit_per_ip_and_per_user()
    {
        var database = await TestPostgres.CreateDatabaseAsync(nameof(RateLimitTwoSiloTests));
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:ClusterId"] = "rate-limits",
            ["RateLimits:AnonymousPerMinute:auth"] = "25",
            ["Tiers:Free:RequestsPerMinute:profile"] = "17",
            ["Tiers:Pro:RequestsPerMinute:profile"] = "17",
            ["Tiers:Premium:RequestsPerMinute:profile"] = "17",
        };
        await using var first = SiloProcess.Start(settings);
        await using var second = SiloProcess.Start(settings);
        await Task.WhenAll(first.WaitReadyAsync(TimeSpan.FromSeconds(90)), second.WaitReadyAsync(TimeSpan.FromSeconds(90)));
        using var viaFirst = new HttpClient { BaseAddress = first.BaseAddress };
        using var viaSecond = new HttpClient { BaseAddress = second.BaseAddress };

        // The sign-up takes one request from 127.0.0.1's auth bucket of 25.
        var registered = await viaFirst.PostAsJsonAsync("/api/v1/auth/register", new { email = $"two-{Guid.NewGuid():N}@example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = (await registered.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();

        // Per client IP (both silos see 127.0.0.1): 100 refreshes with a garbage token; the admitted ones answer 401.
        var anonymous = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            (i % 2 == 0 ? viaFirst : viaSecond).PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = "hsr_unknown" })));
        Assert.Equal(24, anonymous.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(76, anonymous.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));

        // Per user: 60 profile reads with one token, split over both silos.
        viaFirst.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        viaSecond.DefaultRequestHeaders.Authorization = viaFirst.DefaultRequestHeaders.Authorization;
        var signedIn = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? viaFirst : viaSecond).GetAsync("/api/v1/profile")));
        Assert.Equal(17, signedIn.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(43, signedIn.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }
}
