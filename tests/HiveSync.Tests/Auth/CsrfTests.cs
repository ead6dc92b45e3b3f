using System.Net;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>
/// Double-submit CSRF protection of cookie sessions (on a silo with <c>Auth:CookieSecure=false</c>, as over plain
/// http): state-changing requests by cookie need <c>X-CSRF-Token</c> equal to the CSRF cookie; bearer requests do not.
/// </summary>
public sealed class CsrfTests(InsecureCookieSilo silo) : IClassFixture<InsecureCookieSilo>, IDisposable
{
    private const string Rename = "{\"display_name\": \"Changed by the web\"}";

    private readonly HttpClient _web = silo.CookielessClient();

    public void Dispose() => _web.Dispose();

    private async Task<string?> DisplayNameAsync(string email) => (await silo.UserRowAsync(email))!.DisplayName;

    [Fact]
    public async Task With_CookieSecure_false_the_cookies_lack_the_Secure_attribute_and_keep_the_others()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);

        using var response = await _web.ExchangeAsync(token);

        var cookies = SetCookies(response);
        Assert.False(cookies[PlainSessionCookie].Secure); // and so without the __Host- prefix, which requires Secure
        Assert.False(cookies[PlainCsrfCookie].Secure);
        Assert.True(cookies[PlainSessionCookie].HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookies[PlainSessionCookie].SameSite);
    }

    [Fact]
    public async Task A_cookie_PATCH_of_the_profile_without_the_CSRF_header_is_403_CSRF_TOKEN_INVALID_and_changes_nothing()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();
        var before = await silo.UserRowAsync(device.Email);

        using var response = await silo.SendAsWebAsync(web, HttpMethod.Patch, "/api/v1/profile", Rename);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        Assert.Equal(before, await silo.UserRowAsync(device.Email));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("")]
    [InlineData("altered")]
    [InlineData("cookie-without-dot")]
    public async Task A_cookie_PATCH_with_a_wrong_CSRF_header_is_403_CSRF_TOKEN_INVALID_and_changes_nothing(string kind)
    {
        var (device, web) = await silo.SignInOnTheWebAsync();
        var header = kind switch
        {
            "altered" => web.CsrfCookie[..^1] + (web.CsrfCookie[^1] == 'A' ? "B" : "A"),
            "cookie-without-dot" => web.CsrfCookie.Replace(".", "", StringComparison.Ordinal),
            _ => kind,
        };

        using var response = await silo.SendAsWebAsync(web, HttpMethod.Patch, "/api/v1/profile", Rename, csrf: header);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        Assert.Null(await DisplayNameAsync(device.Email));
    }

    [Fact]
    public async Task A_cookie_PATCH_with_the_matching_CSRF_header_is_200_and_changes_the_profile()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();

        using var response = await silo.SendAsWebAsync(web, HttpMethod.Patch, "/api/v1/profile", Rename, csrf: web.CsrfCookie);

        Assert.Equal("Changed by the web", (await response.AssertOkJsonAsync())["data"]!["display_name"]!.GetValue<string>());
        Assert.Equal("Changed by the web", await DisplayNameAsync(device.Email));
    }

    [Fact]
    public async Task A_CSRF_cookie_and_header_taken_from_another_session_do_not_pass_even_when_they_match()
    {
        // A cookie planted by a sibling subdomain, or copied from the attacker's own session, is bound to that session.
        var (device, web) = await silo.SignInOnTheWebAsync();
        var (_, attacker) = await silo.SignInOnTheWebAsync();

        using var response = await silo.SendAsWebAsync(
            web,
            HttpMethod.Patch,
            "/api/v1/profile",
            Rename,
            csrf: attacker.CsrfCookie,
            cookieHeader: $"{PlainSessionCookie}={web.SessionCookie}; {PlainCsrfCookie}={attacker.CsrfCookie}");

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        Assert.Null(await DisplayNameAsync(device.Email));
    }

    [Fact]
    public async Task A_CSRF_header_without_the_CSRF_cookie_is_403()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();

        using var response = await silo.SendAsWebAsync(web, HttpMethod.Patch, "/api/v1/profile", Rename, csrf: web.CsrfCookie, cookieHeader: $"{PlainSessionCookie}={web.SessionCookie}");

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        Assert.Null(await DisplayNameAsync(device.Email));
    }

    [Fact]
    public async Task A_bearer_PATCH_needs_no_CSRF_header()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(HttpMethod.Patch, "/api/v1/profile", Rename, token: user.AccessToken);

        await response.AssertOkJsonAsync();
        Assert.Equal("Changed by the web", await DisplayNameAsync(user.Email));
    }

    [Fact]
    public async Task Cookie_GET_requests_need_no_CSRF_header()
    {
        var (_, web) = await silo.SignInOnTheWebAsync();

        using var response = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/profile");

        await response.AssertOkJsonAsync();
    }

    [Fact]
    public async Task A_cookie_logout_without_the_CSRF_header_is_403_and_the_session_stays_live()
    {
        var (_, web) = await silo.SignInOnTheWebAsync();

        using var logout = await silo.SendAsWebAsync(web, HttpMethod.Post, "/api/v1/auth/logout");

        await logout.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        using var me = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me");
        await me.AssertOkJsonAsync();
    }

    [Fact]
    public async Task A_cookie_DELETE_of_a_session_without_the_CSRF_header_is_403_and_the_session_stays_live()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();

        using var delete = await silo.SendAsWebAsync(web, HttpMethod.Delete, $"/api/v1/auth/sessions/{device.SessionId}");

        await delete.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        await silo.AssertAcceptedAsync(device.AccessToken);
    }

    [Fact]
    public async Task Session_exchange_is_public_and_not_subject_to_CSRF_even_for_a_browser_with_a_live_cookie()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(device.AccessToken);

        using var response = await _web.ExchangeAsync(token, cookieHeader: web.CookieHeader);

        Assert.Equal("success", (await response.AssertOkJsonAsync())["status"]!.GetValue<string>());
    }
}
