using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
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

    /// <summary>A refresh the silo refuses (401) after it has drawn from the client address's auth bucket.</summary>
    public const string UnknownRefreshToken = """{"refresh_token":"hsr_unknown"}""";

    /// <summary>A client address of the test's own (random among 16 million): a bucket no other test drew from.</summary>
    public static string NewIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    /// <summary>Registers from a fresh address, so no test's bucket pays for it, and returns the access token.</summary>
    public async Task<string> RegisterFromNewIpAsync(string? email = null)
    {
        using var response = await SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/register")
        {
            Body = JsonSerializer.Serialize(new { email = email ?? $"rl-{Guid.NewGuid():N}@example.com", password = "correct horse battery" }),
            ForwardedFor = NewIp(),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();
    }
}

public sealed class RateLimitHttpTests(TightRateLimitSilo silo) : IClassFixture<TightRateLimitSilo>
{
    private static string NewIp() => TightRateLimitSilo.NewIp();

    [Fact]
    public async Task Anonymous_requests_are_limited_per_client_ip_and_route_group_with_headers_and_retry_after()
    {
        var ip = NewIp();
        var responses = new List<HttpResponseMessage>();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh") { Body = TightRateLimitSilo.UnknownRefreshToken, ForwardedFor = ip }));
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
        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh") { Body = TightRateLimitSilo.UnknownRefreshToken, ForwardedFor = NewIp() })).StatusCode);
    }

    [Fact]
    public async Task Signed_in_callers_are_limited_per_user_at_their_tiers_rate_and_per_route_group()
    {
        var first = await silo.RegisterFromNewIpAsync();
        var second = await silo.RegisterFromNewIpAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await ProfileAsync(first)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await ProfileAsync(second)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me") { Bearer = first, ForwardedFor = NewIp() })).StatusCode);
        var limited = await ProfileAsync(first);
        Assert.Equal("\"profile\";q=2;w=60", Header(limited, "RateLimit-Policy"));
    }

    [Fact]
    public async Task Failed_sign_ins_pause_the_account_from_any_ip_and_successful_ones_cost_nothing()
    {
        var email = $"guarded-{Guid.NewGuid():N}@example.com";
        await silo.RegisterFromNewIpAsync(email);

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

    private static string Header(HttpResponseMessage response, string name) => string.Join(",", response.Headers.GetValues(name));

    private Task<HttpResponseMessage> ProfileAsync(string token) =>
        silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/profile") { Bearer = token, ForwardedFor = NewIp() });

    // Each attempt from a fresh IP: what pauses the account is the per-account guard, not the per-IP bucket.
    private Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login") { Body = JsonSerializer.Serialize(new { email, password }), ForwardedFor = NewIp() });
}
