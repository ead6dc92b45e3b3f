using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using Microsoft.Net.Http.Headers;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>The cookie session of the web frontend: its cookies, and that it works (and ends) like any session.</summary>
public sealed class CookieSessionTests(TestSilo silo) : IClassFixture<TestSilo>, IDisposable
{
    private readonly HttpClient _web = silo.CookielessClient();

    public void Dispose() => _web.Dispose();

    [Fact]
    public async Task Exchange_sets_a_Host_prefixed_HttpOnly_Secure_SameSite_Lax_session_cookie_for_the_sessions_lifetime_and_a_readable_CSRF_cookie()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);

        using var response = await _web.ExchangeAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = SetCookies(response);
        var session = cookies[SessionCookie];
        var csrf = cookies[CsrfCookie];
        Assert.True(session.HttpOnly);
        Assert.False(csrf.HttpOnly); // the web frontend reads it to send the X-CSRF-Token header
        var lifetime = silo.AuthOptions().RefreshTokenLifetime;
        foreach (var cookie in new[] { session, csrf })
        {
            Assert.True(cookie.Secure); // not Development, not configured off
            Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
            Assert.Equal("/", cookie.Path.ToString());
            Assert.True(cookie.Domain.Value is null, "host-only unless Auth:CookieDomain is set");
            Assert.NotNull(cookie.MaxAge);
            Assert.InRange(cookie.MaxAge!.Value, lifetime - TimeSpan.FromMinutes(1), lifetime);
            Assert.False(string.IsNullOrEmpty(cookie.Value.ToString()));
        }
    }

    [Fact]
    public async Task The_cookie_max_age_matches_the_cookie_sessions_expiry_in_the_sessions_list()
    {
        var device = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(device.AccessToken);
        var before = DateTimeOffset.UtcNow;
        using var exchange = await _web.ExchangeAsync(token);
        var after = DateTimeOffset.UtcNow;
        var maxAge = SetCookies(exchange)[SessionCookie].MaxAge!.Value;

        using var list = await silo.GetAsync("/api/v1/auth/sessions", device.AccessToken);

        var cookieSession = await silo.CookieSessionIdAsync(device.UserId);
        var item = Assert.Single((await list.AssertOkJsonAsync())["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == cookieSession.ToString())!;
        var expires = AssertUtcTimestamp(item["expires_at"]);
        // The cookie was set during the exchange (Max-Age in whole seconds) to last exactly until the session expires.
        Assert.InRange(expires - maxAge, before - TimeSpan.FromSeconds(1), after + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_session_cookie_signs_in_GET_user_me_and_GET_profile()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();

        using var me = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me");
        using var profile = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/profile");
        using var authMe = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/auth/me");

        AssertUserObject(await me.AssertOkJsonAsync(), device.UserId, device.Email);
        Assert.Equal(device.UserId, (await profile.AssertOkJsonAsync())["data"]!["id"]!.GetValue<long>());
        Assert.Equal(device.Email, (await authMe.AssertOkJsonAsync())["data"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Logout_with_the_cookie_ends_the_session_clears_both_cookies_and_the_next_request_is_401_AUTH_SESSION_REVOKED()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();

        using var logout = await silo.SendAsWebAsync(web, HttpMethod.Post, "/api/v1/auth/logout", csrf: web.CsrfCookie);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var cleared = SetCookies(logout);
        foreach (var name in new[] { SessionCookie, CsrfCookie })
        {
            Assert.True(cleared[name].Expires < DateTimeOffset.UtcNow, $"{name} not cleared");
            Assert.Equal("", cleared[name].Value.ToString());
        }

        using var next = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me");
        await next.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");
        await silo.AssertAcceptedAsync(device.AccessToken); // the mobile session is another session
        var row = Assert.Single(await silo.SessionRowsAsync(device.UserId), r => r.Id != device.SessionId);
        Assert.Equal("logout", row.RevokeReason);
    }

    [Fact]
    public async Task Deleting_the_cookie_session_from_another_session_revokes_it_on_its_next_request()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();
        using (var before = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me"))
        {
            await before.AssertOkJsonAsync();
        }

        var cookieSession = Assert.Single(await SessionKindsAsync(silo.ConnectionString, device.UserId), k => k.Kind == "cookie").Id;
        using (var delete = await silo.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{cookieSession}", token: device.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var after = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/profile");
        await after.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");
        Assert.True(SetCookies(after)[SessionCookie].Expires < DateTimeOffset.UtcNow, "a dead session cookie is cleared");
    }

    [Fact]
    public async Task A_tampered_session_cookie_is_401_AUTH_TOKEN_INVALID()
    {
        var (_, web) = await silo.SignInOnTheWebAsync();
        var tampered = web.SessionCookie[..^2] + (web.SessionCookie[^2] == 'A' ? "BB" : "AA");

        using var response = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me", cookieHeader: $"{SessionCookie}={tampered}");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task An_access_token_is_refused_as_session_cookie_and_the_session_cookie_is_refused_as_bearer_token()
    {
        var (device, web) = await silo.SignInOnTheWebAsync();

        using var accessAsCookie = await silo.SendAsWebAsync(web, HttpMethod.Get, "/api/v1/user/me", cookieHeader: $"{SessionCookie}={device.AccessToken}");
        using var cookieAsBearer = await silo.SendAsync(HttpMethod.Get, "/api/v1/user/me", token: web.SessionCookie);

        await accessAsCookie.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
        await cookieAsBearer.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task With_an_Authorization_header_the_bearer_token_decides_and_the_cookie_is_ignored()
    {
        var (_, web) = await silo.SignInOnTheWebAsync();
        var other = await silo.RegisterAsync();

        using var asOther = await _web.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me") { Bearer = other.AccessToken, Cookie = web.CookieHeader });
        using var badBearer = await _web.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me") { Bearer = "not-a-token", Cookie = web.CookieHeader });

        Assert.Equal(other.UserId, (await asOther.AssertOkJsonAsync())["id"]!.GetValue<long>());
        await badBearer.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task Without_any_credentials_a_protected_route_still_answers_401_AUTH_REQUIRED_with_a_bearer_challenge()
    {
        using var response = await _web.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me"));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_cookie_session_can_itself_ask_for_a_session_token_with_the_CSRF_header()
    {
        var (_, web) = await silo.SignInOnTheWebAsync();

        using var response = await silo.SendAsWebAsync(web, HttpMethod.Post, "/api/v1/auth/session-token", csrf: web.CsrfCookie);

        Assert.StartsWith(LinkPrefix, (await response.AssertOkJsonAsync())["url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_offers_the_session_cookie_next_to_bearer_with_the_CSRF_header_on_state_changing_routes()
    {
        var document = (await _web.GetFromJsonAsync<JsonNode>("/openapi/v1.json"))!;

        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("apiKey", schemes["SessionCookie"]!["type"]!.GetValue<string>());
        Assert.Equal("cookie", schemes["SessionCookie"]!["in"]!.GetValue<string>());
        Assert.Equal(SessionCookie, schemes["SessionCookie"]!["name"]!.GetValue<string>());
        Assert.Equal("header", schemes["CsrfToken"]!["in"]!.GetValue<string>());
        Assert.Equal(CsrfHeader, schemes["CsrfToken"]!["name"]!.GetValue<string>());

        var me = document["paths"]!["/api/v1/user/me"]!["get"]!["security"]!.AsArray();
        Assert.Contains(me, r => r!.AsObject().Select(p => p.Key).SequenceEqual(["Bearer"]));
        Assert.Contains(me, r => r!.AsObject().Select(p => p.Key).SequenceEqual(["SessionCookie"]));
        var patch = document["paths"]!["/api/v1/profile"]!["patch"]!;
        Assert.Contains(patch["security"]!.AsArray(), r => r!.AsObject().Select(p => p.Key).Order().SequenceEqual(["CsrfToken", "SessionCookie"]));
        Assert.NotNull(patch["responses"]!["403"]);
        var exchange = document["paths"]!["/api/v1/auth/session-exchange"]!["post"]!;
        Assert.Empty(exchange["security"]!.AsArray()); // public: explicitly no credentials
        Assert.NotNull(exchange["responses"]!["410"]);
    }
}
