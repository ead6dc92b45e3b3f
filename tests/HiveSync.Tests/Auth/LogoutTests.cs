using System.Net;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Auth;

public sealed class LogoutTests(TestSilo silo) : IClassFixture<TestSilo>
{
    private Task<HttpResponseMessage> LogoutAsync(string token, string? requestId = null) =>
        silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: token, requestId: requestId);

    [Fact]
    public async Task Logout_answers_204_and_the_same_access_token_fails_on_the_very_next_request()
    {
        var user = await silo.RegisterAsync();
        await silo.AssertAcceptedAsync(user.AccessToken);

        using var response = await LogoutAsync(user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED");
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED", "/api/v1/profile");
    }

    [Fact]
    public async Task Logout_revokes_the_session_row()
    {
        var user = await silo.RegisterAsync();

        using var response = await LogoutAsync(user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var row = Assert.Single(await silo.SessionRowsAsync(user.UserId));
        Assert.NotNull(row.RevokedAt);
        Assert.Equal("logout", row.RevokeReason);
    }

    [Fact]
    public async Task Logout_ends_only_the_callers_session()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.LoginAsync(user.Email, user.Password);

        using var response = await LogoutAsync(user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await silo.AssertAcceptedAsync(other.AccessToken);
        await silo.RefreshAsync(other);
    }

    [Fact]
    public async Task Logout_twice_with_the_same_token_is_401_AUTH_SESSION_REVOKED()
    {
        var user = await silo.RegisterAsync();
        using (var first = await LogoutAsync(user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using var second = await LogoutAsync(user.AccessToken);

        await second.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task A_token_refreshed_before_logout_also_fails_after_logout()
    {
        var user = await silo.RegisterAsync();
        var refreshed = await silo.RefreshAsync(user);

        using var response = await LogoutAsync(refreshed.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED");
        await silo.AssertRefusedAsync(refreshed.AccessToken, "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task Signing_in_again_after_logout_opens_a_fresh_working_session()
    {
        var user = await silo.RegisterAsync();
        using (var logout = await LogoutAsync(user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var again = await silo.LoginAsync(user.Email, user.Password);

        Assert.NotEqual(user.SessionId, again.SessionId);
        await silo.AssertAcceptedAsync(again.AccessToken);
    }
}
