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
            tokens.Add(await RegisterAsync()); // every new account would have added a bucket
        }

        var statuses = new List<HttpStatusCode>();
        foreach (var token in tokens.Append(tokens[0]))
        {
            using var response = await SendAsync(HttpMethod.Post, path, ip, body, token);
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
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
            request.Headers.Add("X-Forwarded-For", ip);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await silo.Http.SendAsync(request);
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
            using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", prefix + host, """{"refresh_token":"hsr_unknown"}""");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        using var neighbour = await SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", $"2001:db8:{Random.Shared.Next(1, 0xffff):x}::1", """{"refresh_token":"hsr_unknown"}""");
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

    private static string NewIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string ip, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-For", ip);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await silo.Http.SendAsync(request);
    }

    private async Task<string> RegisterAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/register", NewIp(), System.Text.Json.JsonSerializer.Serialize(new { email = $"rl-{Guid.NewGuid():N}@example.com", password = "correct horse battery" }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();
    }
}
