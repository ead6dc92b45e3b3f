using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>A silo whose configuration still names an admin email, as deployments did before the admin command.</summary>
public sealed class AdminEmailsSilo : TestSilo
{
    public const string Boss = "boss@example.com";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:AdminEmails:0", Boss)];
}

/// <summary>The admin role is granted and revoked only by the silo host's <c>admin</c> command, never by signing up.</summary>
public sealed class AdminRoleTests(AdminEmailsSilo silo) : IClassFixture<AdminEmailsSilo>
{
    private async Task<string> RoleAsync(string token)
    {
        using var response = await silo.GetAsync("/api/v1/profile", token);
        return (await response.AssertOkJsonAsync())["data"]!["role"]!.GetValue<string>();
    }

    /// <summary>Runs the built silo host as an operator would: <c>HiveSync.Silo admin ...</c> against this silo's database.</summary>
    private async Task<(int ExitCode, string Output)> AdminAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HiveSync.Silo.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"--ConnectionStrings:Postgres={silo.ConnectionString}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await errors);
    }

    [Fact]
    public async Task A_listed_email_that_registers_gets_no_admin_role()
    {
        var squatter = await silo.RegisterAsync(AdminEmailsSilo.Boss);

        Assert.Equal("user", await RoleAsync(squatter.AccessToken));
        var signedInAgain = await silo.LoginAsync(AdminEmailsSilo.Boss);
        Assert.Equal("user", await RoleAsync(signedInAgain.AccessToken));
        Assert.Equal("user", (await silo.UserRowAsync(AdminEmailsSilo.Boss))!.Role);
        Assert.Empty(await silo.AuditRowsAsync("auth.role.granted", subjectId: squatter.UserId.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Admin_grant_applies_to_the_running_users_next_request_and_is_audited()
    {
        var user = await silo.RegisterAsync();
        Assert.Equal("user", await RoleAsync(user.AccessToken)); // the grain is active with the old role

        var (exitCode, output) = await AdminAsync("admin", "grant", user.Email.ToUpperInvariant());

        Assert.True(exitCode == 0, output);
        Assert.Contains("confirmed", output, StringComparison.Ordinal);
        Assert.Equal("admin", await RoleAsync(user.AccessToken)); // same token, same activation: the very next request
        Assert.Equal("admin", (await silo.UserRowAsync(user.Email))!.Role);
        var grant = Assert.Single(await silo.AuditRowsAsync("auth.role.granted", subjectId: user.UserId.ToString(CultureInfo.InvariantCulture)));
        var details = JsonNode.Parse(grant.Details)!;
        Assert.Equal("admin", details["role"]!.GetValue<string>());
        Assert.Equal("user", details["previous_role"]!.GetValue<string>());
        Assert.Equal("cli", details["source"]!.GetValue<string>());
        Assert.Null(grant.ActorUserId);
    }

    [Fact]
    public async Task Admin_revoke_takes_the_role_back_on_the_next_request()
    {
        var user = await silo.RegisterAsync();
        Assert.Equal(0, (await AdminAsync("admin", "grant", user.Email)).ExitCode);
        Assert.Equal("admin", await RoleAsync(user.AccessToken));

        var (exitCode, output) = await AdminAsync("admin", "revoke", user.Email);

        Assert.True(exitCode == 0, output);
        Assert.Equal("user", await RoleAsync(user.AccessToken));
        Assert.Equal("user", (await silo.UserRowAsync(user.Email))!.Role);
        Assert.Single(await silo.AuditRowsAsync("auth.role.revoked", subjectId: user.UserId.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Granting_a_role_already_held_changes_and_audits_nothing()
    {
        var user = await silo.RegisterAsync();
        Assert.Equal(0, (await AdminAsync("admin", "grant", user.Email)).ExitCode);
        var updatedAt = (await silo.UserRowAsync(user.Email))!.UpdatedAt;

        var (exitCode, output) = await AdminAsync("admin", "grant", user.Email);

        Assert.True(exitCode == 0, output);
        Assert.Contains("already had", output, StringComparison.Ordinal);
        Assert.Equal(updatedAt, (await silo.UserRowAsync(user.Email))!.UpdatedAt);
        Assert.Single(await silo.AuditRowsAsync("auth.role.granted", subjectId: user.UserId.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task An_unknown_email_is_refused_with_exit_code_1()
    {
        var (exitCode, output) = await AdminAsync("admin", "grant", NewEmail("nobody"));

        Assert.Equal(1, exitCode);
        Assert.Contains("No account", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("admin", "promote", "someone@example.com")]
    [InlineData("admin", "grant")]
    public async Task A_malformed_command_prints_its_usage_with_exit_code_64(params string[] arguments)
    {
        var (exitCode, output) = await AdminAsync(arguments);

        Assert.Equal(64, exitCode);
        Assert.Contains("Usage: HiveSync.Silo admin grant|revoke EMAIL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_role_cannot_be_claimed_through_the_profile()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(HttpMethod.Patch, "/api/v1/profile", """{"role":"admin"}""", token: user.AccessToken);

        await response.AssertValidationErrorAsync("role");
        Assert.Equal("user", await RoleAsync(user.AccessToken));
        Assert.Equal("user", (await silo.UserRowAsync(user.Email))!.Role);
    }
}
