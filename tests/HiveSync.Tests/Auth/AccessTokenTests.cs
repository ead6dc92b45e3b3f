using System.Net;
using System.Security.Cryptography;
using HiveSync.Tests.Platform;
using Microsoft.IdentityModel.JsonWebTokens;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

public sealed class AccessTokenTests(TestSilo silo) : IClassFixture<TestSilo>
{
    public static TheoryData<string, string> ProtectedRoutes => new()
    {
        { "GET", "/api/v1/auth/me" },
        { "GET", "/api/v1/user/me" },
        { "GET", "/api/v1/auth/sessions" },
        { "POST", "/api/v1/auth/logout" },
        { "DELETE", "/api/v1/auth/sessions/0193a7e2-5c1b-7b6e-9f00-4d2a51c0ffee" },
        { "GET", "/api/v1/profile" },
        { "PATCH", "/api/v1/profile" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Protected_route_without_a_token_is_401_AUTH_REQUIRED(string method, string path)
    {
        using var response = await silo.SendAsync(new HttpMethod(method), path, method == "PATCH" ? "{}" : null);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Protected_route_with_a_garbage_token_is_401_AUTH_TOKEN_INVALID(string method, string path)
    {
        using var response = await silo.SendAsync(new HttpMethod(method), path, method == "PATCH" ? "{}" : null, token: "garbage");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Protected_route_with_an_expired_token_is_401_AUTH_TOKEN_EXPIRED(string method, string path)
    {
        var user = await silo.RegisterAsync();
        var expired = silo.MintAccessToken(user.UserId, user.SessionId, expires: DateTime.UtcNow.AddMinutes(-5));

        using var response = await silo.SendAsync(new HttpMethod(method), path, method == "PATCH" ? "{}" : null, token: expired);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_EXPIRED");
    }

    [Fact]
    public async Task A_token_issued_by_the_api_carries_subject_session_role_and_a_15_minute_lifetime()
    {
        var user = await silo.RegisterAsync();

        var jwt = new JsonWebToken(user.AccessToken);

        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(user.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), jwt.Subject);
        Assert.Equal(user.SessionId.ToString(), jwt.GetClaim("sid").Value);
        Assert.Equal("user", jwt.GetClaim("role").Value);
        Assert.Equal(silo.AuthOptions().Issuer, jwt.Issuer);
        Assert.Equal([silo.AuthOptions().Audience], jwt.Audiences);
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(jwt.ValidTo, AssertUtcTimestamp(user.Data["access_token_expires_at"]).UtcDateTime, TimeSpan.FromSeconds(1));
        await silo.AssertAcceptedAsync(user.AccessToken);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    [InlineData("Bearer")]
    public async Task A_malformed_token_is_AUTH_TOKEN_INVALID(string token)
    {
        await silo.AssertRefusedAsync(token, "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task A_token_for_a_real_session_signed_with_another_key_is_AUTH_TOKEN_INVALID()
    {
        var user = await silo.RegisterAsync();

        var forged = silo.MintAccessToken(user.UserId, user.SessionId, key: RandomNumberGenerator.GetBytes(64));

        await silo.AssertRefusedAsync(forged, "AUTH_TOKEN_INVALID");
        await silo.AssertAcceptedAsync(silo.MintAccessToken(user.UserId, user.SessionId)); // the same claims with the real key pass
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_AUTH_TOKEN_INVALID()
    {
        var user = await silo.RegisterAsync();

        var unsigned = silo.MintAccessToken(user.UserId, user.SessionId, withoutSignature: true);

        Assert.Equal("none", new JsonWebToken(unsigned).Alg);
        await silo.AssertRefusedAsync(unsigned, "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task A_token_with_another_issuer_is_AUTH_TOKEN_INVALID()
    {
        var user = await silo.RegisterAsync();

        await silo.AssertRefusedAsync(silo.MintAccessToken(user.UserId, user.SessionId, issuer: "someone-else"), "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task A_token_for_another_audience_is_AUTH_TOKEN_INVALID()
    {
        var user = await silo.RegisterAsync();

        await silo.AssertRefusedAsync(silo.MintAccessToken(user.UserId, user.SessionId, audience: "another-api"), "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task A_token_without_a_session_claim_is_AUTH_TOKEN_INVALID()
    {
        var user = await silo.RegisterAsync();

        await silo.AssertRefusedAsync(silo.MintAccessToken(user.UserId, user.SessionId, includeSession: false), "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task A_token_expired_beyond_the_30_second_clock_skew_is_AUTH_TOKEN_EXPIRED()
    {
        var user = await silo.RegisterAsync();

        await silo.AssertRefusedAsync(silo.MintAccessToken(user.UserId, user.SessionId, expires: DateTime.UtcNow.AddSeconds(-45)), "AUTH_TOKEN_EXPIRED");
    }

    [Fact]
    public async Task A_token_expired_within_the_30_second_clock_skew_is_still_accepted()
    {
        var user = await silo.RegisterAsync();

        await silo.AssertAcceptedAsync(silo.MintAccessToken(user.UserId, user.SessionId, expires: DateTime.UtcNow.AddSeconds(-5)));
    }

    [Fact]
    public async Task A_validly_signed_token_for_a_session_that_does_not_exist_is_refused()
    {
        var user = await silo.RegisterAsync();

        await silo.AssertRefusedAsync(silo.MintAccessToken(user.UserId, Guid.NewGuid()), "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task A_validly_signed_token_naming_another_users_session_is_refused()
    {
        var victim = await silo.RegisterAsync();
        var attacker = await silo.RegisterAsync();

        await silo.AssertRefusedAsync(silo.MintAccessToken(attacker.UserId, victim.SessionId), "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task A_validly_signed_token_for_a_user_that_does_not_exist_is_refused()
    {
        await silo.AssertRefusedAsync(silo.MintAccessToken(long.MaxValue - 7, Guid.NewGuid()), "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task A_non_bearer_authorization_scheme_counts_as_no_token()
    {
        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me")
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = "Basic dXNlcjpwYXNz" },
        });

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
    }

    [Fact]
    public async Task The_access_token_stays_valid_across_requests_until_it_is_revoked()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.LoginAsync(user.Email, user.Password);

        for (var i = 0; i < 3; i++)
        {
            await silo.AssertAcceptedAsync(user.AccessToken, "/api/v1/auth/me");
        }

        // Revoked from another session, long before the token's own expiry: refused on its very next request.
        using (var revoke = await silo.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{user.SessionId}", token: other.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        Assert.True(new JsonWebToken(user.AccessToken).ValidTo > DateTime.UtcNow.AddMinutes(1), "the token itself has not expired");
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED", "/api/v1/auth/me");
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED", "/api/v1/profile");
        await silo.AssertAcceptedAsync(other.AccessToken, "/api/v1/auth/me");
    }

    [Fact]
    public async Task A_401_names_the_bearer_scheme_and_flags_a_bad_token_as_invalid_token()
    {
        var missing = await silo.GetAsync("/api/v1/user/me", null);
        var garbage = await silo.GetAsync("/api/v1/user/me", "not-a-jwt");

        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("Bearer", garbage.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("invalid_token", garbage.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }
}
