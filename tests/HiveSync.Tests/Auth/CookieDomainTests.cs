using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>A silo whose cookies are shared with sibling subdomains (frontend and API on hivesync.dev's subdomains).</summary>
public sealed class CookieDomainSilo : TestSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:CookieDomain", "hivesync.dev")];
}

public sealed class CookieDomainTests(CookieDomainSilo silo) : IClassFixture<CookieDomainSilo>
{
    [Fact]
    public async Task With_a_cookie_domain_the_cookies_carry_it_and_no_Host_prefix_which_forbids_a_domain()
    {
        var device = await silo.RegisterAsync();
        using var client = silo.CookielessClient();
        var (_, token) = await client.CreateSessionTokenAsync(device.AccessToken);

        using var exchanged = await client.ExchangeAsync(token);

        var cookies = SetCookies(exchanged);
        Assert.DoesNotContain(cookies.Keys, name => name.StartsWith(HostPrefix, StringComparison.Ordinal));
        foreach (var name in new[] { PlainSessionCookie, PlainCsrfCookie })
        {
            Assert.Equal("hivesync.dev", cookies[name].Domain.ToString());
            Assert.True(cookies[name].Secure);
        }
    }

    [Fact]
    public async Task A_session_cookie_under_the_other_name_is_not_accepted()
    {
        var (_, web) = await silo.SignInOnTheWebAsync();
        Assert.Equal("", web.Prefix);

        using var accepted = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me");
        await accepted.AssertOkJsonAsync();
        using var renamed = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me", cookieHeader: $"{SessionCookie}={web.SessionCookie}");
        await renamed.AssertErrorAsync(System.Net.HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
    }
}
