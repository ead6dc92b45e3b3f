using System.Net;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>A session write that fails leaves the user's grain answering what the database holds.</summary>
public sealed class SessionWriteFailureTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task A_logout_whose_write_fails_leaves_the_session_live_as_in_the_database()
    {
        var user = await silo.RegisterAsync();

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "device_sessions", "UPDATE"))
        {
            using var failed = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", null, token: user.AccessToken);
            await failed.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            await silo.AssertAcceptedAsync(user.AccessToken); // not revoked in the database: not revoked in memory either
        }

        Assert.Null(Assert.Single(await silo.SessionRowsAsync(user.UserId)).RevokedAt);
        using var retried = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", null, token: user.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task A_sign_in_whose_session_write_fails_opens_no_session()
    {
        var user = await silo.RegisterAsync();

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "device_sessions", "INSERT"))
        {
            using var failed = await silo.LoginResponseAsync(user.Email, Password);
            await failed.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        }

        using var sessions = await silo.GetAsync("/api/v1/auth/sessions", user.AccessToken);
        Assert.Single((await sessions.AssertOkJsonAsync())["items"]!.AsArray());
        Assert.Single(await silo.SessionRowsAsync(user.UserId));
    }
}
