using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Limits;

/// <summary>
/// Small limits: 3 anonymous auth requests per IP, 2/3/4 profile reads per free/pro/premium user, 3 failed
/// sign-ins per account. Client IPs come from X-Forwarded-For (trusted here), so each test picks its own.
/// </summary>
public sealed class TightRateLimitSilo : TestSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Api:TrustForwardedHeaders", "true"),
        new("RateLimits:AnonymousPerMinute:auth", "3"),
        new("Tiers:Free:RequestsPerMinute:profile", "2"),
        new("Tiers:Pro:RequestsPerMinute:profile", "3"),
        new("Tiers:Premium:RequestsPerMinute:profile", "4"),
        new("LoginGuard:FailuresPerWindow", "3"),
    ];
}

public sealed class RateLimitHttpTests(TightRateLimitSilo silo) : IClassFixture<TightRateLimitSilo>
{
    [Fact]
    public async Task Anonymous_requests_are_limited_per_client_ip_and_route_group_with_headers_and_retry_after()
    {
        var ip = NewIp();
        var responses = new List<HttpResponseMessage>();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", ip, new { refresh_token = "hsr_unknown" }));
        }

        var elapsed = clock.Elapsed;
        var firstAnswered = started + elapsed; // no later than this

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], responses.Take(3).Select(r => r.StatusCode));
        Assert.Equal("\"auth\";q=3;w=60", Header(responses[0], "RateLimit-Policy"));
        Assert.Equal("\"auth\";r=2;t=20", Header(responses[0], "RateLimit"));
        Assert.Equal("3", Header(responses[0], "X-RateLimit-Limit"));
        Assert.Equal("2", Header(responses[0], "X-RateLimit-Remaining"));
        Assert.Equal("1", Header(responses[0], "X-RateLimit-Used"));
        Assert.Equal("auth", Header(responses[0], "X-RateLimit-Resource"));
        // Full again 20 s after the server's "now" of the first request, which lies between these two instants.
        var reset = long.Parse(Header(responses[0], "X-RateLimit-Reset"), CultureInfo.InvariantCulture);
        Assert.InRange(reset, started.AddSeconds(20).ToUnixTimeSeconds(), firstAnswered.AddSeconds(20).ToUnixTimeSeconds());

        // One slot frees 20 s (60 s / 3) after the first request: Retry-After counts down from 20 as the four take time.
        var refused = await responses[3].AssertErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        var retryAfter = (int)responses[3].Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, 20 - (int)Math.Floor(elapsed.TotalSeconds), 20); // exactly 20 when they took under a second
        Assert.Equal(retryAfter, refused["details"]!["retry_after_seconds"]!.GetValue<int>());
        Assert.Equal("0", Header(responses[3], "X-RateLimit-Remaining"));

        // Another client IP has a bucket of its own.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", NewIp(), new { refresh_token = "hsr_unknown" })).StatusCode);
    }

    [Fact]
    public async Task Signed_in_callers_are_limited_per_user_at_their_tiers_rate_and_per_route_group()
    {
        var first = await RegisterAsync();
        var second = await RegisterAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await SendAsync(HttpMethod.Get, "/api/v1/profile", NewIp(), token: first)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/profile", NewIp(), token: second)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/user/me", NewIp(), token: first)).StatusCode);
        var limited = await SendAsync(HttpMethod.Get, "/api/v1/profile", NewIp(), token: first);
        Assert.Equal("\"profile\";q=2;w=60", Header(limited, "RateLimit-Policy"));
    }

    [Fact]
    public async Task Failed_sign_ins_pause_the_account_from_any_ip_and_successful_ones_cost_nothing()
    {
        var email = $"guarded-{Guid.NewGuid():N}@example.com";
        await RegisterAsync(email);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(email, "correct horse battery")).StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            await (await SignInAsync(email, "wrong password!!")).AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        }

        var paused = await SignInAsync(email, "correct horse battery");
        await paused.AssertErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.NotNull(paused.Headers.RetryAfter);

        // An unknown email pauses the same way, so the pause tells nothing about which accounts exist.
        var unknown = $"nobody-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 3; i++)
        {
            await (await SignInAsync(unknown, "wrong password!!")).AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        }

        await (await SignInAsync(unknown, "wrong password!!")).AssertErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    private static string NewIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    private static string Header(HttpResponseMessage response, string name) => string.Join(",", response.Headers.GetValues(name));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string ip, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", ip);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await silo.Http.SendAsync(request);
    }

    private async Task<string> RegisterAsync(string? email = null)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/register", NewIp(), new { email = email ?? $"rl-{Guid.NewGuid():N}@example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();
    }

    // Each attempt from a fresh IP: what pauses the account is the per-account guard, not the per-IP bucket.
    private Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        SendAsync(HttpMethod.Post, "/api/v1/auth/login", NewIp(), new { email, password });
}
