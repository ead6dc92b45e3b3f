using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

public sealed class AuditTrailTests(TestSilo silo) : IClassFixture<TestSilo>
{
    private const string Agent = "AuditTests/1.0";

    private static void AssertFromThisRequest(AuditRow row, string requestId)
    {
        Assert.Equal(requestId, row.RequestId);
        Assert.Equal("127.0.0.1", row.IpAddress);
        Assert.Equal(Agent, row.UserAgent);
    }

    [Fact]
    public async Task Register_writes_auth_register_with_the_request_id()
    {
        var email = NewEmail();
        var requestId = NewRequestId();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password }), requestId, Agent);

        var data = (await response.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!;
        Assert.Equal(requestId, response.Headers.GetValues("X-Request-Id").Single());
        var userId = data["user"]!["id"]!.GetValue<long>();
        var row = Assert.Single(await silo.AuditRowsAsync("auth.register", requestId));
        AssertFromThisRequest(row, requestId);
        Assert.Equal(userId, row.ActorUserId);
        Assert.Equal("user", row.SubjectType);
        Assert.Equal(userId.ToString(CultureInfo.InvariantCulture), row.SubjectId);
        Assert.DoesNotContain(Password, row.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_registration_writes_no_audit_row_and_no_user()
    {
        var email = NewEmail();
        var requestId = NewRequestId();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = "short" }), requestId, Agent);

        await response.AssertValidationErrorAsync("password");
        Assert.Empty(await silo.AuditRowsByRequestAsync(requestId));
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Successful_login_writes_auth_login_succeeded_naming_the_new_session()
    {
        var user = await silo.RegisterAsync();
        var requestId = NewRequestId();

        using var response = await silo.LoginResponseAsync(user.Email, user.Password, userAgent: Agent, requestId: requestId);

        var login = SignedIn.From((await response.AssertOkJsonAsync())["data"]!, user.Password);
        var row = Assert.Single(await silo.AuditRowsAsync("auth.login.succeeded", requestId));
        AssertFromThisRequest(row, requestId);
        Assert.Equal(user.UserId, row.ActorUserId);
        Assert.Equal("session", row.SubjectType);
        Assert.Equal(login.SessionId.ToString(), row.SubjectId);
    }

    [Fact]
    public async Task Login_with_an_unknown_email_writes_auth_login_failed_without_an_actor()
    {
        var email = NewEmail("ghost");
        var requestId = NewRequestId();

        using var response = await silo.LoginResponseAsync($" {email.ToUpperInvariant()} ", "whatever password", userAgent: Agent, requestId: requestId);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        var row = Assert.Single(await silo.AuditRowsAsync("auth.login.failed", requestId));
        AssertFromThisRequest(row, requestId);
        Assert.Null(row.ActorUserId);
        Assert.Equal("email", row.SubjectType);
        Assert.Equal(email, row.SubjectId);
        Assert.Equal("unknown_email", JsonNode.Parse(row.Details)!["reason"]!.GetValue<string>());
        Assert.DoesNotContain("whatever password", row.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_with_a_wrong_password_writes_auth_login_failed_for_the_user()
    {
        var user = await silo.RegisterAsync();
        var requestId = NewRequestId();

        using var response = await silo.LoginResponseAsync(user.Email, "not the password", userAgent: Agent, requestId: requestId);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        var row = Assert.Single(await silo.AuditRowsAsync("auth.login.failed", requestId));
        AssertFromThisRequest(row, requestId);
        Assert.Equal(user.UserId, row.ActorUserId);
        Assert.Equal("user", row.SubjectType);
        Assert.Equal(user.UserId.ToString(CultureInfo.InvariantCulture), row.SubjectId);
        Assert.Equal("wrong_password", JsonNode.Parse(row.Details)!["reason"]!.GetValue<string>());
        Assert.DoesNotContain("not the password", row.Details, StringComparison.Ordinal);
        Assert.Empty(await silo.AuditRowsAsync("auth.login.succeeded", requestId));
    }

    [Fact]
    public async Task Logout_writes_auth_logout_naming_the_session()
    {
        var user = await silo.RegisterAsync();
        var requestId = NewRequestId();

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: user.AccessToken, requestId: requestId, userAgent: Agent);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var row = Assert.Single(await silo.AuditRowsAsync("auth.logout", requestId));
        AssertFromThisRequest(row, requestId);
        Assert.Equal(user.UserId, row.ActorUserId);
        Assert.Equal("session", row.SubjectType);
        Assert.Equal(user.SessionId.ToString(), row.SubjectId);
    }

    [Fact]
    public async Task Deleting_a_session_writes_auth_session_revoked_naming_that_session()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.LoginAsync(user.Email, user.Password);
        var requestId = NewRequestId();

        using var response = await silo.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{other.SessionId}", token: user.AccessToken, requestId: requestId, userAgent: Agent);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var row = Assert.Single(await silo.AuditRowsAsync("auth.session.revoked", requestId));
        AssertFromThisRequest(row, requestId);
        Assert.Equal(user.UserId, row.ActorUserId);
        Assert.Equal("session", row.SubjectType);
        Assert.Equal(other.SessionId.ToString(), row.SubjectId);
    }

    [Fact]
    public async Task A_refused_session_delete_writes_no_audit_row()
    {
        var attacker = await silo.RegisterAsync();
        var victim = await silo.RegisterAsync();
        var requestId = NewRequestId();

        using var response = await silo.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{victim.SessionId}", token: attacker.AccessToken, requestId: requestId);

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
        Assert.Empty(await silo.AuditRowsByRequestAsync(requestId));
    }

    [Fact]
    public async Task Refresh_token_reuse_writes_auth_refresh_token_reuse_with_the_request_id()
    {
        var user = await silo.RegisterAsync();
        await silo.RefreshAsync(user);
        var requestId = NewRequestId();

        using var replay = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", Json(new JsonObject { ["refresh_token"] = user.RefreshToken }), requestId: requestId, userAgent: Agent);

        await replay.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");
        var row = Assert.Single(await silo.AuditRowsAsync("auth.refresh_token.reuse", requestId));
        AssertFromThisRequest(row, requestId);
        Assert.Equal(user.UserId, row.ActorUserId);
        Assert.Equal("session", row.SubjectType);
        Assert.Equal(user.SessionId.ToString(), row.SubjectId);
    }

    [Fact]
    public async Task A_normal_refresh_writes_no_reuse_row()
    {
        var user = await silo.RegisterAsync();

        await silo.RefreshAsync(user);

        Assert.Empty(await silo.AuditRowsAsync("auth.refresh_token.reuse", actorUserId: user.UserId));
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("semi;colon")]
    public async Task An_unsafe_request_id_is_replaced_by_a_generated_one_that_is_echoed_and_audited(string unsafeId)
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password }), unsafeId, Agent);

        var data = (await response.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!;
        var echoed = response.Headers.GetValues("X-Request-Id").Single();
        Assert.NotEqual(unsafeId, echoed);
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", echoed);
        var row = Assert.Single(await silo.AuditRowsAsync("auth.register", actorUserId: data["user"]!["id"]!.GetValue<long>()));
        Assert.Equal(echoed, row.RequestId);
    }

    [Fact]
    public async Task A_profile_change_writes_profile_updated_naming_the_changed_fields()
    {
        var user = await silo.RegisterAsync();
        var requestId = NewRequestId();

        using var response = await silo.SendAsync(HttpMethod.Patch, "/api/v1/profile", """{"display_name":"Ada","preferences":{"theme":"dark"}}""", token: user.AccessToken, requestId: requestId);

        await response.AssertOkJsonAsync();
        var row = Assert.Single(await silo.AuditRowsAsync("profile.updated", requestId));
        Assert.Equal(user.UserId, row.ActorUserId);
        Assert.Equal("user", row.SubjectType);
        Assert.Equal(user.UserId.ToString(CultureInfo.InvariantCulture), row.SubjectId);
        var fields = JsonNode.Parse(row.Details)!["fields"]!.AsArray().Select(f => f!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["display_name", "preferences"], fields);
        Assert.DoesNotContain("Ada", row.Details, StringComparison.Ordinal); // names the fields, not their values
    }

    [Fact]
    public async Task A_refused_profile_change_writes_no_audit_row()
    {
        var user = await silo.RegisterAsync();
        var requestId = NewRequestId();

        using var response = await silo.SendAsync(HttpMethod.Patch, "/api/v1/profile", """{"display_name":"Ada","role":"admin"}""", token: user.AccessToken, requestId: requestId);

        await response.AssertValidationErrorAsync("role");
        Assert.Empty(await silo.AuditRowsByRequestAsync(requestId));
    }
}
