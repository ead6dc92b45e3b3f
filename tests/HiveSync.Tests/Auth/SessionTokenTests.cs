using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.Configuration;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>POST /auth/session-token and /auth/session-exchange: shapes, refusals, exactly once, storage.</summary>
public sealed class SessionTokenTests(TestSilo silo) : IClassFixture<TestSilo>, IDisposable
{
    private readonly HttpClient _web = silo.CookielessClient();

    public void Dispose() => _web.Dispose();

    [Fact]
    public async Task Session_token_answers_exactly_a_url_on_the_web_base_url_carrying_a_url_safe_256_bit_token()
    {
        var user = await silo.RegisterAsync();

        using var response = await _web.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-token") { Bearer = user.AccessToken });

        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "url");
        var url = body["url"]!.GetValue<string>();
        Assert.StartsWith(LinkPrefix, url, StringComparison.Ordinal);
        var token = url[LinkPrefix.Length..];
        Assert.True(IsUrlSafeToken(token), token); // hst_ + 43 base64url characters = 256 bits
        Assert.Equal(Uri.EscapeDataString(token), token);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Session_token_without_sign_in_is_401_AUTH_REQUIRED()
    {
        using var response = await _web.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-token"));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
    }

    [Fact]
    public async Task Every_session_token_is_a_new_one()
    {
        var user = await silo.RegisterAsync();

        var first = await _web.CreateSessionTokenAsync(user.AccessToken);
        var second = await _web.CreateSessionTokenAsync(user.AccessToken);

        Assert.NotEqual(first.Token, second.Token);
    }

    [Fact]
    public async Task Exchange_answers_exactly_status_success_and_the_same_user_object_as_user_me()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);

        using var response = await _web.ExchangeAsync(token);

        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "status", "user");
        Assert.Equal("success", body["status"]!.GetValue<string>());
        AssertUserObject(body["user"], user.UserId, user.Email);
        using var me = await silo.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.True(JsonNode.DeepEquals(await me.AssertOkJsonAsync(), body["user"]), body.ToJsonString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Exchange_opens_a_cookie_session_without_refresh_tokens_listed_among_the_users_sessions()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);

        await _web.ExchangeForSessionAsync(token);

        var kinds = await SessionKindsAsync(silo.ConnectionString, user.UserId);
        Assert.Equal(["device", "cookie"], kinds.Select(k => k.Kind));
        var cookieSession = kinds[1].Id;
        using var list = await silo.GetAsync("/api/v1/auth/sessions", user.AccessToken);
        var items = (await list.AssertOkJsonAsync())["items"]!.AsArray();
        Assert.Contains(items, i => i!["id"]!.GetValue<string>() == cookieSession.ToString() && !i["current"]!.GetValue<bool>());
        await using var db = await silo.OpenDatabaseAsync();
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM refresh_tokens WHERE session_id = @cookieSession", new { cookieSession }));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"token\": null}")]
    [InlineData("{\"token\": \"\"}")]
    [InlineData("{\"token\": \"   \"}")]
    public async Task Exchange_without_a_token_is_400_VALIDATION_ERROR_naming_token(string body)
    {
        using var response = await _web.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-exchange") { Body = body });

        await response.AssertValidationErrorAsync("token");
    }

    [Fact]
    public async Task Exchange_without_a_body_is_400_VALIDATION_ERROR()
    {
        using var response = await _web.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-exchange"));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("hst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // well-formed, never issued
    [InlineData("not-a-token")]
    [InlineData("hst_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task Exchange_of_an_unknown_or_malformed_token_is_410_TOKEN_EXPIRED_and_sets_no_cookie(string token)
    {
        using var response = await _web.ExchangeAsync(token);

        await response.AssertGoneAsync();
        Assert.Empty(SetCookies(response));
    }

    [Fact]
    public async Task A_used_token_is_410_TOKEN_EXPIRED_and_opens_no_second_session()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);
        await _web.ExchangeForSessionAsync(token);

        using var again = await _web.ExchangeAsync(token);

        await again.AssertGoneAsync();
        Assert.Empty(SetCookies(again));
        Assert.Single(await SessionKindsAsync(silo.ConnectionString, user.UserId), k => k.Kind == "cookie");
    }

    [Fact]
    public async Task Parallel_exchanges_of_one_token_on_one_silo_succeed_exactly_once()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _web.ExchangeAsync(token)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await refused.AssertGoneAsync();
        }

        Assert.Single(await SessionKindsAsync(silo.ConnectionString, user.UserId), k => k.Kind == "cookie");
    }

    [Fact]
    public async Task The_token_is_stored_only_as_its_sha256_with_a_used_mark_set_by_the_exchange()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);

        var issued = await TokenStateAsync(silo.ConnectionString, token);
        await _web.ExchangeForSessionAsync(token);
        var used = await TokenStateAsync(silo.ConnectionString, token);

        var issuedState = JsonNode.Parse(issued!)!;
        var usedState = JsonNode.Parse(used!)!;
        Assert.Equal(user.UserId, issuedState["UserId"]!.GetValue<long>());
        Assert.Equal(user.SessionId.ToString(), issuedState["IssuingSessionId"]!.GetValue<string>());
        Assert.Null(issuedState["UsedAt"]);
        Assert.NotNull(usedState["UsedAt"]);
        await using var db = await silo.OpenDatabaseAsync();
        var anywhere = await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM orleansstorage WHERE position(@secret in coalesce(grainidextensionstring, '') || coalesce(convert_from(payloadbinary, 'UTF8'), '')) > 0",
            new { secret = token[4..] });
        Assert.Equal(0L, anywhere);
    }

    [Fact]
    public async Task A_token_whose_issuing_session_has_logged_out_is_410_TOKEN_EXPIRED()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);
        using (var logout = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using var response = await _web.ExchangeAsync(token);

        await response.AssertGoneAsync();
        Assert.DoesNotContain(await SessionKindsAsync(silo.ConnectionString, user.UserId), k => k.Kind == "cookie");
    }

    [Fact]
    public async Task Issuing_and_exchanging_a_token_are_audited()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);
        await _web.ExchangeForSessionAsync(token);

        var issued = Assert.Single(await silo.AuditRowsAsync("auth.session_token.issued", actorUserId: user.UserId));
        var exchanged = Assert.Single(await silo.AuditRowsAsync("auth.session_token.exchanged", actorUserId: user.UserId));

        Assert.Equal(user.SessionId.ToString(), issued.SubjectId);
        var cookieSession = Assert.Single(await SessionKindsAsync(silo.ConnectionString, user.UserId), k => k.Kind == "cookie");
        Assert.Equal(cookieSession.Id.ToString(), exchanged.SubjectId);
        Assert.DoesNotContain(token[4..], issued.Details + exchanged.Details, StringComparison.Ordinal);
    }
}

/// <summary>
/// Expiry through the whole HTTP pipeline, on a silo whose tokens live three seconds: waiting longer than that can
/// only make the token more expired, so a slow machine cannot fail this. Expiry to the tick and the clean-up of
/// used and unused tokens are proven on domain time in <see cref="SessionTokenGrainTests"/>.
/// </summary>
public sealed class SessionTokenExpiryTests(ShortTokenLifetimeSilo silo) : IClassFixture<ShortTokenLifetimeSilo>, IDisposable
{
    private readonly HttpClient _web = silo.CookielessClient();

    public void Dispose() => _web.Dispose();

    [Fact]
    public async Task An_expired_token_is_410_TOKEN_EXPIRED_and_opens_no_session()
    {
        var user = await silo.RegisterAsync();
        var (_, token) = await _web.CreateSessionTokenAsync(user.AccessToken);

        await Task.Delay(ShortTokenLifetimeSilo.Lifetime + TimeSpan.FromMilliseconds(500));
        using var response = await _web.ExchangeAsync(token);

        await response.AssertGoneAsync();
        Assert.Empty(SetCookies(response));
        Assert.DoesNotContain(await SessionKindsAsync(silo.ConnectionString, user.UserId), k => k.Kind == "cookie");
    }
}

/// <summary>The web-session settings are validated when a silo starts.</summary>
public sealed class SessionTokenSettingsTests
{
    [Theory]
    [InlineData("Auth:SessionTokenLifetime", "00:00:00")]
    [InlineData("Auth:SessionTokenLifetime", "01:00:00")]
    [InlineData("Auth:WebBaseUrl", "hivesync.dev")]
    [InlineData("Auth:WebBaseUrl", "ftp://hivesync.dev")]
    [InlineData("Auth:WebBaseUrl", "https://hivesync.dev/?next=1")]
    [InlineData("Auth:CookieDomain", "not a domain!")]
    public async Task An_invalid_web_session_setting_stops_start_up_naming_it(string key, string value)
    {
        var error = await InvalidSetting.AssertStartUpFailsAsync(key, value);

        Assert.True(error.Failures.Any(f => f.Contains(key, StringComparison.Ordinal)), string.Join(" | ", error.Failures));
    }
}
