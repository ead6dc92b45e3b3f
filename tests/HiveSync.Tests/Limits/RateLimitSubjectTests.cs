using System.Net;
using HiveSync.Tests.Platform;
using HiveSync.WebApi.Platform.RateLimiting;

namespace HiveSync.Tests.Limits;

/// <summary>
/// Which bucket a request draws from: no credential moves an anonymous entry point out of the client IP's
/// bucket, refusals for bad credentials count against the IP, and an IPv6 client is one /64.
/// (3 anonymous auth requests per IP and minute; client IPs from a trusted X-Forwarded-For, one per test.)
/// </summary>
public sealed class RateLimitSubjectTests(TightRateLimitSilo silo) : IClassFixture<TightRateLimitSilo>
{
    private static string NewIp() => TightRateLimitSilo.NewIp();

    [Theory]
    [InlineData("/api/v1/auth/login", """{"email":"nobody@example.com","password":"wrong password!!"}""")]
    [InlineData("/api/v1/auth/refresh", """{"refresh_token":"hsr_unknown"}""")]
    [InlineData("/api/v1/auth/session-exchange", """{"token":"not-a-token"}""")]
    [InlineData("/api/v1/auth/register", """{"email":"","password":""}""")]
    public async Task An_anonymous_entry_point_draws_from_the_ip_bucket_whatever_token_is_sent(string path, string body)
    {
        var ip = NewIp();
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add(await silo.RegisterFromNewIpAsync()); // every new account would have added a bucket
        }

        var statuses = new List<HttpStatusCode>();
        foreach (var token in tokens.Append(tokens[0]))
        {
            using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, path) { Body = body, Bearer = token, ForwardedFor = ip });
            Assert.Equal("\"auth\";q=3;w=60", string.Join(",", response.Headers.GetValues("RateLimit-Policy")));
            statuses.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
    }

    [Theory]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    [InlineData(null)]
    public async Task Requests_refused_for_bad_credentials_on_protected_routes_count_against_the_ip(string? authorization)
    {
        var ip = NewIp();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/auth/me")
            {
                ForwardedFor = ip,
                Headers = authorization is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Authorization"] = authorization },
            });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Addresses_of_one_ipv6_64_share_a_bucket_and_another_64_has_its_own()
    {
        var prefix = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
        var statuses = new List<HttpStatusCode>();
        foreach (var host in new[] { "::1", "::2", ":abcd:ef01:2345:6789", "::ffff" })
        {
            using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh") { Body = TightRateLimitSilo.UnknownRefreshToken, ForwardedFor = prefix + host });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        using var neighbour = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh") { Body = TightRateLimitSilo.UnknownRefreshToken, ForwardedFor = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}::1" });
        Assert.Equal(HttpStatusCode.Unauthorized, neighbour.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.9", "ip:203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "ip:203.0.113.9")]
    [InlineData("2001:db8:1:2:3:4:5:6", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "ip:2001:db8:1:2::/64")]
    [InlineData("::1", "ip:::/64")]
    public void The_bucket_subject_is_the_ipv4_address_or_the_ipv6_64(string address, string subject)
    {
        Assert.Equal(subject, ClientAddress.BucketSubject(IPAddress.Parse(address)));
    }
}
