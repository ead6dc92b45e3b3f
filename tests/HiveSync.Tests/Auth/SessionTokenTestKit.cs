using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using HiveSync.Tests.Platform;
using Microsoft.Net.Http.Headers;

namespace HiveSync.Tests.Auth;

/// <summary>A silo whose one-time login tokens live three seconds, for the expiry tests.</summary>
public sealed class ShortTokenLifetimeSilo : TestSilo
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Auth:SessionTokenLifetime", "00:00:03")];
}

/// <summary>A silo configured for plain http (<c>Auth:CookieSecure=false</c>), as a developer setup would be.</summary>
public sealed class InsecureCookieSilo : TestSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Auth:CookieSecure", "false")];
}

/// <summary>A signed-in browser: the two cookies set by session-exchange, and the user they belong to.</summary>
/// <param name="Prefix">The cookie names' prefix: <c>__Host-</c> where the silo uses it (Secure, no cookie domain), else empty.</param>
public sealed record WebSession(long UserId, string SessionCookie, string CsrfCookie, JsonNode User, string Prefix = SessionTokenTestKit.HostPrefix)
{
    public string CookieHeader => $"{Prefix}{SessionTokenTestKit.PlainSessionCookie}={SessionCookie}; {Prefix}{SessionTokenTestKit.PlainCsrfCookie}={CsrfCookie}";
}

/// <summary>Requests and look-ups for the one-time token, cookie session and CSRF tests.</summary>
public static partial class SessionTokenTestKit
{
    public const string HostPrefix = "__Host-";

    /// <summary>The cookie names of a production silo (Secure, no cookie domain): with the <c>__Host-</c> prefix.</summary>
    public const string SessionCookie = HostPrefix + PlainSessionCookie;
    public const string CsrfCookie = HostPrefix + PlainCsrfCookie;

    /// <summary>The names without the prefix: a silo with <c>Auth:CookieSecure=false</c> or a cookie domain.</summary>
    public const string PlainSessionCookie = "hivesync_session";
    public const string PlainCsrfCookie = "hivesync_csrf";
    public const string CsrfHeader = TestRequest.CsrfHeader;
    public const string LinkPrefix = "https://hivesync.dev/login/session/";

    /// <summary>
    /// A client that neither keeps nor sends cookies by itself: every cookie a test sends is explicit, and no
    /// Set-Cookie leaks into requests of other tests (the fixture's shared client keeps cookies).
    /// </summary>
    public static HttpClient CookielessClient(Uri baseAddress) =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseAddress };

    public static HttpClient CookielessClient(this TestSilo silo) => CookielessClient(silo.BaseAddress);

    /// <summary>POST /auth/session-token with a bearer token; asserts 200 and returns the link and its token.</summary>
    public static async Task<(string Url, string Token)> CreateSessionTokenAsync(this HttpClient client, string accessToken)
    {
        using var response = await client.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-token") { Bearer = accessToken });
        var body = await response.AssertOkJsonAsync();
        var url = body["url"]!.GetValue<string>();
        return (url, url[(url.LastIndexOf('/') + 1)..]);
    }

    public static Task<(string Url, string Token)> CreateSessionTokenAsync(this TestSilo silo, string accessToken)
    {
        using var client = silo.CookielessClient();
        return client.CreateSessionTokenAsync(accessToken);
    }

    public static Task<HttpResponseMessage> ExchangeAsync(this HttpClient client, string token, string? cookieHeader = null) =>
        client.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-exchange") { Body = AuthTestKit.Json(new JsonObject { ["token"] = token }), Cookie = cookieHeader });

    /// <summary>Exchanges a token (asserting 200) and returns the browser's session.</summary>
    public static async Task<WebSession> ExchangeForSessionAsync(this HttpClient client, string token)
    {
        using var response = await client.ExchangeAsync(token);
        var body = await response.AssertOkJsonAsync();
        var cookies = SetCookies(response);
        var prefix = cookies.ContainsKey(SessionCookie) ? HostPrefix : "";
        return new WebSession(
            body["user"]!["id"]!.GetValue<long>(),
            cookies[prefix + PlainSessionCookie].Value.ToString(),
            cookies[prefix + PlainCsrfCookie].Value.ToString(),
            body["user"]!,
            prefix);
    }

    /// <summary>Registers an account and signs a browser in with a one-time token made by that account's session.</summary>
    public static async Task<(SignedIn Device, WebSession Web)> SignInOnTheWebAsync(this TestSilo silo)
    {
        var device = await silo.RegisterAsync();
        using var client = silo.CookielessClient();
        var (_, token) = await client.CreateSessionTokenAsync(device.AccessToken);
        return (device, await client.ExchangeForSessionAsync(token));
    }

    /// <summary>Shorthand for a <see cref="TestRequest"/> with the browser's cookies and, when given, the CSRF header, on a cookieless client.</summary>
    public static async Task<HttpResponseMessage> SendAsWebAsync(this TestSilo silo, WebSession web, HttpMethod method, string path, string? json = null, string? csrf = null, string? cookieHeader = null)
    {
        using var client = silo.CookielessClient();
        return await client.SendAsync(new TestRequest(method, path) { Body = json, Cookie = cookieHeader ?? web.CookieHeader, Csrf = csrf });
    }

    /// <summary>The response's Set-Cookie headers by cookie name.</summary>
    public static Dictionary<string, SetCookieHeaderValue> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? SetCookieHeaderValue.ParseList(values.ToList()).ToDictionary(c => c.Name.ToString())
            : [];

    /// <summary>
    /// A session cookie minted the way the API mints them (an access-token-like JWT with the cookie's own audience),
    /// with whatever expiry the test needs.
    /// </summary>
    public static string MintSessionCookie(this TestSilo silo, long userId, Guid sessionId, DateTime expires) =>
        silo.MintAccessToken(userId, sessionId, expires: expires, audience: silo.AuthOptions().Audience + "#session-cookie");

    /// <summary>The id of the user's (one) cookie session.</summary>
    public static async Task<Guid> CookieSessionIdAsync(this TestSilo silo, long userId) =>
        Assert.Single(await SessionKindsAsync(silo.ConnectionString, userId), k => k.Kind == "cookie").Id;

    public static bool IsUrlSafeToken(string token) => TokenShape().IsMatch(token);

    /// <summary>The grain key of a token: <c>st-</c> + hex SHA-256 (what storage holds instead of the token).</summary>
    public static string GrainKeyOf(string token) => "st-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The token's grain-state row: null when there is none; else its JSON payload.</summary>
    public static async Task<string?> TokenStateAsync(string connectionString, string token)
    {
        await using var db = new Npgsql.NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var rows = (await db.QueryAsync<string>(
            "SELECT coalesce(convert_from(payloadbinary, 'UTF8'), '') FROM orleansstorage WHERE grainidextensionstring LIKE '%' || @key",
            new { key = GrainKeyOf(token) })).ToList();
        return rows.Count == 0 ? null : Assert.Single(rows);
    }

    public static async Task<long> TokenRemindersAsync(string connectionString, string token)
    {
        await using var db = new Npgsql.NpgsqlConnection(connectionString);
        await db.OpenAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%' || @key", new { key = GrainKeyOf(token) });
    }

    /// <summary>Waits (up to the given deadline) until the condition holds; returns whether it did.</summary>
    public static Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan deadline) => Eventually.HoldsAsync(condition, deadline);

    public static async Task<IReadOnlyList<(Guid Id, string Kind)>> SessionKindsAsync(string connectionString, long userId)
    {
        await using var db = new Npgsql.NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var rows = await db.QueryAsync<(Guid, string)>("SELECT id, kind FROM device_sessions WHERE user_id = @userId ORDER BY created_at, id", new { userId });
        return rows.ToList();
    }

    public static Task AssertGoneAsync(this HttpResponseMessage response) => response.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");

    [GeneratedRegex("^hst_[A-Za-z0-9_-]{43}$")]
    private static partial Regex TokenShape();
}
