using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Auth;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Platform;

/// <summary>A silo reached directly, not through a proxy: <c>Api:TrustForwardedHeaders=false</c>, as by default.</summary>
public sealed class UntrustedProxySilo : TestSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Api:TrustForwardedHeaders", "false")];
}

/// <summary>The same, with 3 anonymous auth requests a minute per client IP, to see which bucket a request draws from.</summary>
public sealed class UntrustedProxyTightAuthSilo : TestSilo
{
    public const int AuthPerMinute = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Api:TrustForwardedHeaders", "false"),
        new("RateLimits:AnonymousPerMinute:auth", AuthPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

/// <summary>Without a trusted proxy, X-Forwarded-For is the client's own claim: it must not become the recorded address.</summary>
public sealed class UntrustedForwardedForTests(UntrustedProxySilo silo) : IClassFixture<UntrustedProxySilo>
{
    [Fact]
    public async Task Sessions_and_audit_rows_record_the_connections_address_not_the_claimed_one()
    {
        var email = NewEmail();
        var registerId = NewRequestId();
        var loginId = NewRequestId();

        var credentials = Json(new JsonObject { ["email"] = email, ["password"] = Password });
        using var registered = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/register") { Body = credentials, ForwardedFor = "203.0.113.9", RequestId = registerId });
        using var login = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login") { Body = credentials, ForwardedFor = "198.51.100.7, 203.0.113.9", RequestId = loginId });

        var device = SignedIn.From((await registered.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!, Password);
        await login.AssertOkJsonAsync();
        using var list = await silo.GetAsync("/api/v1/auth/sessions", device.AccessToken);
        var items = (await list.AssertOkJsonAsync())["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("127.0.0.1", i!["ip_address"]!.GetValue<string>()));
        Assert.Equal("127.0.0.1", Assert.Single(await silo.AuditRowsAsync("auth.register", registerId)).IpAddress);
        Assert.Equal("127.0.0.1", Assert.Single(await silo.AuditRowsAsync("auth.login.succeeded", loginId)).IpAddress);
    }
}

public sealed class UntrustedForwardedForRateLimitTests(UntrustedProxyTightAuthSilo silo) : IClassFixture<UntrustedProxyTightAuthSilo>
{
    [Fact]
    public async Task Requests_claiming_a_new_address_each_still_draw_from_the_connections_bucket()
    {
        // Trusted, every claimed address would get a full bucket of its own and none would ever be refused.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20 && statuses.LastOrDefault() != HttpStatusCode.TooManyRequests; i++)
        {
            using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh")
            {
                Body = "{\"refresh_token\":\"hsr_unknown\"}",
                ForwardedFor = $"203.0.113.{i + 1}",
            });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(statuses.Count > UntrustedProxyTightAuthSilo.AuthPerMinute, string.Join(", ", statuses)); // the limit was admitted first
        Assert.All(statuses.SkipLast(1), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }
}
