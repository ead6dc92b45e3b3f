using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using Microsoft.IdentityModel.JsonWebTokens;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>A silo whose configuration names two admin emails (one written with odd case and spaces).</summary>
public sealed class AdminEmailsSilo : TestSilo
{
    public const string Boss = "boss@example.com";
    public const string Deputy = "deputy@example.com";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Auth:AdminEmails:0", " Boss@Example.COM "),
        new("Auth:AdminEmails:1", Deputy),
    ];
}

public sealed class AdminRoleTests(AdminEmailsSilo silo) : IClassFixture<AdminEmailsSilo>
{
    private async Task<JsonNode> ProfileAsync(string token)
    {
        using var response = await silo.GetAsync("/api/v1/profile", token);
        return (await response.AssertOkJsonAsync())["data"]!;
    }

    [Fact]
    public async Task An_email_listed_in_AdminEmails_registers_as_admin_and_the_grant_is_audited()
    {
        var requestId = NewRequestId();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = "BOSS@example.com", ["password"] = Password }), requestId);

        var admin = SignedIn.From((await response.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!, Password);
        Assert.Equal("admin", (await ProfileAsync(admin.AccessToken))["role"]!.GetValue<string>());
        Assert.Equal("admin", new JsonWebToken(admin.AccessToken).GetClaim("role").Value);
        Assert.Equal("admin", (await silo.UserRowAsync(AdminEmailsSilo.Boss))!.Role);
        var grant = Assert.Single(await silo.AuditRowsAsync("auth.role.granted", actorUserId: admin.UserId));
        Assert.Equal(requestId, grant.RequestId);
        Assert.Equal("user", grant.SubjectType);
        Assert.Equal(admin.UserId.ToString(CultureInfo.InvariantCulture), grant.SubjectId);
        Assert.Equal("admin", JsonNode.Parse(grant.Details)!["role"]!.GetValue<string>());

        // Signing in again keeps the role and does not grant it a second time.
        var again = await silo.LoginAsync(AdminEmailsSilo.Boss, Password);
        Assert.Equal("admin", new JsonWebToken(again.AccessToken).GetClaim("role").Value);
        Assert.Single(await silo.AuditRowsAsync("auth.role.granted", actorUserId: admin.UserId));
    }

    [Fact]
    public async Task Every_listed_email_becomes_admin()
    {
        var deputy = await silo.RegisterAsync(AdminEmailsSilo.Deputy);

        Assert.Equal("admin", (await ProfileAsync(deputy.AccessToken))["role"]!.GetValue<string>());
        Assert.Single(await silo.AuditRowsAsync("auth.role.granted", actorUserId: deputy.UserId));
    }

    [Fact]
    public async Task An_email_not_listed_registers_as_user_without_a_grant()
    {
        var user = await silo.RegisterAsync(NewEmail("boss"));

        Assert.Equal("user", (await ProfileAsync(user.AccessToken))["role"]!.GetValue<string>());
        Assert.Equal("user", new JsonWebToken(user.AccessToken).GetClaim("role").Value);
        Assert.Equal("user", (await silo.UserRowAsync(user.Email))!.Role);
        Assert.Empty(await silo.AuditRowsAsync("auth.role.granted", actorUserId: user.UserId));
    }

    [Fact]
    public async Task The_admin_role_cannot_be_claimed_through_the_profile()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(HttpMethod.Patch, "/api/v1/profile", """{"role":"admin"}""", token: user.AccessToken);

        await response.AssertValidationErrorAsync("role");
        Assert.Equal("user", (await ProfileAsync(user.AccessToken))["role"]!.GetValue<string>());
        Assert.Equal("user", (await silo.UserRowAsync(user.Email))!.Role);
    }
}
