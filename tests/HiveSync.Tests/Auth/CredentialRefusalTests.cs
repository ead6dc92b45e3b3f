using System.Net;
using System.Security.Cryptography;
using HiveSync.Tests.Billing;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>
/// The routes that move money or mint logins (start-checkout, change-plan, session-token) refuse every credential
/// that is not a live session's, and a cookie session without its CSRF header, before anything happens: nothing
/// reaches LemonSqueezy, no login token is issued, no audit entry is written, the subscription stays as it was.
/// Each account is one for which the route would act (change-plan: a subscriber; start-checkout: not yet one).
/// </summary>
public sealed class CredentialRefusalTests(BillingSilo silo) : IClassFixture<BillingSilo>
{
    private const string Premium = "{\"tier\":\"premium\",\"billing_cycle\":\"monthly\"}";

    private static readonly DateTimeOffset Base = BillingTestKit.Seconds(DateTimeOffset.UtcNow.AddHours(-6));

    public static TheoryData<string> Routes => new() { "start-checkout", "change-plan", "session-token" };

    /// <summary>Every route with every refused credential, and the 401 code it must answer.</summary>
    public static TheoryData<string, string, string> RefusedCredentials
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var route in new[] { "start-checkout", "change-plan", "session-token" })
            {
                data.Add(route, "none", "AUTH_REQUIRED");
                data.Add(route, "bearer-garbage", "AUTH_TOKEN_INVALID");
                data.Add(route, "bearer-forged", "AUTH_TOKEN_INVALID");
                data.Add(route, "bearer-expired", "AUTH_TOKEN_EXPIRED");
                data.Add(route, "bearer-revoked", "AUTH_SESSION_REVOKED");
                data.Add(route, "cookie-garbage", "AUTH_TOKEN_INVALID");
                data.Add(route, "cookie-expired", "AUTH_TOKEN_EXPIRED");
                data.Add(route, "cookie-revoked", "AUTH_SESSION_REVOKED");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_cookie_session_with_the_CSRF_header_is_served(string route)
    {
        var account = await AccountForAsync(route);

        using var response = await CallAsync(route, cookie: account.Web.CookieHeader, csrf: account.Web.CsrfCookie);

        await response.AssertOkJsonAsync();
        Assert.Equal(route == "session-token" ? 0 : 1, silo.LemonSqueezy.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_cookie_session_without_the_CSRF_header_is_403_CSRF_TOKEN_INVALID_and_nothing_happens(string route)
    {
        var account = await AccountForAsync(route);
        var before = await TrailAsync(account);

        using var response = await CallAsync(route, cookie: account.Web.CookieHeader);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        await AssertNothingHappenedAsync(account, before);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_cookie_session_with_another_sessions_CSRF_token_is_403_CSRF_TOKEN_INVALID_and_nothing_happens(string route)
    {
        var account = await AccountForAsync(route);
        var (_, attacker) = await silo.SignInOnTheWebAsync();
        var before = await TrailAsync(account);

        using var response = await CallAsync(route, cookie: $"{SessionCookie}={account.Web.SessionCookie}; {CsrfCookie}={attacker.CsrfCookie}", csrf: attacker.CsrfCookie);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        await AssertNothingHappenedAsync(account, before);
    }

    [Theory]
    [MemberData(nameof(RefusedCredentials))]
    public async Task A_credential_that_is_not_a_live_sessions_is_401_with_its_code_and_nothing_happens(string route, string credential, string code)
    {
        var account = await AccountForAsync(route);
        var (bearer, cookie, csrf) = await CredentialAsync(credential, account);
        var before = await TrailAsync(account);

        using var response = await CallAsync(route, bearer, cookie, csrf);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, code);
        await AssertNothingHappenedAsync(account, before);
    }

    [Fact]
    public async Task A_session_cookie_minted_like_the_apis_but_unexpired_is_accepted_so_the_expired_one_is_refused_for_its_expiry()
    {
        var account = await AccountForAsync("session-token");
        var cookie = silo.MintSessionCookie(account.Device.UserId, account.WebSessionId, DateTime.UtcNow.AddMinutes(10));

        using var response = await CallAsync("session-token", cookie: $"{SessionCookie}={cookie}; {CsrfCookie}={account.Web.CsrfCookie}", csrf: account.Web.CsrfCookie);

        await response.AssertOkJsonAsync();
    }

    /// <summary>A device session (bearer) and a web session (cookies) of one user, subscribed when the route needs it.</summary>
    private sealed record Account(SignedIn Device, WebSession Web, Guid WebSessionId, string? SubscriptionId);

    private async Task<Account> AccountForAsync(string route)
    {
        var (device, web) = await silo.SignInOnTheWebAsync();
        var subscription = route == "change-plan" ? await silo.SubscribeAsync(device.UserId, BillingSilo.ProMonthly, "active", Base) : null;
        silo.LemonSqueezy.Reset();
        return new Account(device, web, await silo.CookieSessionIdAsync(device.UserId), subscription);
    }

    private async Task<(string? Bearer, string? Cookie, string? Csrf)> CredentialAsync(string kind, Account account)
    {
        var (device, web) = (account.Device, account.Web);
        string WithSession(string sessionCookie) => $"{SessionCookie}={sessionCookie}; {CsrfCookie}={web.CsrfCookie}";
        switch (kind)
        {
            case "none":
                return (null, null, null);
            case "bearer-garbage":
                return ("not-a-jwt", null, null);
            case "bearer-forged":
                return (silo.MintAccessToken(device.UserId, device.SessionId, key: RandomNumberGenerator.GetBytes(64)), null, null);
            case "bearer-expired":
                return (silo.MintAccessToken(device.UserId, device.SessionId, expires: DateTime.UtcNow.AddMinutes(-5)), null, null);
            case "bearer-revoked":
                using (var logout = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: device.AccessToken))
                {
                    Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
                }

                return (device.AccessToken, null, null);
            case "cookie-garbage":
                var tampered = web.SessionCookie[..^2] + (web.SessionCookie[^2] == 'A' ? "BB" : "AA");
                return (null, WithSession(tampered), web.CsrfCookie);
            case "cookie-expired":
                return (null, WithSession(silo.MintSessionCookie(device.UserId, account.WebSessionId, DateTime.UtcNow.AddMinutes(-5))), web.CsrfCookie);
            case "cookie-revoked":
                using (var logout = await silo.SendAsWebAsync(web, HttpMethod.Post, "/api/v1/auth/logout", csrf: web.CsrfCookie))
                {
                    Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
                }

                return (null, web.CookieHeader, web.CsrfCookie);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private async Task<HttpResponseMessage> CallAsync(string route, string? bearer = null, string? cookie = null, string? csrf = null)
    {
        var (path, json) = route switch
        {
            "start-checkout" => ("/api/v1/billing/start-checkout", Premium),
            "change-plan" => ("/api/v1/billing/change-plan", Premium),
            "session-token" => ("/api/v1/auth/session-token", (string?)null),
            _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
        };
        using var client = silo.CookielessClient();
        return await client.SendAsync(new TestRequest(HttpMethod.Post, path) { Body = json, Bearer = bearer, Cookie = cookie, Csrf = csrf });
    }

    /// <summary>What any of the three routes leaves behind for the account (every issued token is audited).</summary>
    private sealed record Trail(int Checkouts, int PlanChanges, int TokensIssued, SubscriptionDbRow? Subscription);

    private async Task<Trail> TrailAsync(Account account) => new(
        (await silo.AuditRowsAsync("billing.checkout.created", actorUserId: account.Device.UserId)).Count,
        (await silo.AuditRowsAsync("billing.plan.changed", actorUserId: account.Device.UserId)).Count,
        (await silo.AuditRowsAsync("auth.session_token.issued", actorUserId: account.Device.UserId)).Count,
        account.SubscriptionId is { } sub ? await silo.SubscriptionRowAsync(sub) : null);

    private async Task AssertNothingHappenedAsync(Account account, Trail before)
    {
        Assert.Empty(silo.LemonSqueezy.Requests);
        Assert.Equal(before, await TrailAsync(account));
    }
}
