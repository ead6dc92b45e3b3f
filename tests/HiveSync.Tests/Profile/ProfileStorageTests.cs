using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Profile;

/// <summary>
/// The profile as PostgreSQL stores it: input jsonb cannot hold is a 400 that changes nothing, and a write that
/// fails leaves the user's grain answering exactly what the database holds.
/// </summary>
public sealed class ProfileStorageTests(TestSilo silo) : IClassFixture<TestSilo>
{
    private async Task<JsonNode> ProfileAsync(string token)
    {
        using var response = await silo.GetAsync("/api/v1/profile", token);
        return (await response.AssertOkJsonAsync())["data"]!;
    }

    private Task<HttpResponseMessage> PatchAsync(SignedIn user, string json) =>
        silo.SendAsync(HttpMethod.Patch, "/api/v1/profile", json, token: user.AccessToken);

    private async Task<SignedIn> UserWithPreferencesAsync()
    {
        var user = await silo.RegisterAsync();
        using var patched = await PatchAsync(user, """{"display_name":"Ada","preferences":{"theme":"dark"}}""");
        await patched.AssertOkJsonAsync();
        return user;
    }

    [Theory]
    [InlineData("1e200000")]
    [InlineData("-1e200000")]
    [InlineData("1e309")]
    [InlineData("1e-400")]
    [InlineData("0e-1001")]
    [InlineData("0.5e1001")]
    public async Task A_number_postgresql_cannot_store_is_a_validation_error_that_changes_nothing(string number)
    {
        var user = await UserWithPreferencesAsync();
        var before = await ProfileAsync(user.AccessToken);
        var beforeRow = await silo.UserRowAsync(user.Email);

        using var refused = await PatchAsync(user, $$$"""{"preferences":{"n":{{{number}}}}}""");

        await refused.AssertValidationErrorAsync("preferences");
        Assert.True(JsonNode.DeepEquals(before, await ProfileAsync(user.AccessToken)));
        Assert.Equal(beforeRow, await silo.UserRowAsync(user.Email));
        using var next = await PatchAsync(user, """{"preferences":{"n":1}}""");
        Assert.Equal(1, (await next.AssertOkJsonAsync())["data"]!["preferences"]!["n"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("-1.7976931348623157e308")]
    [InlineData("1e-300")]
    [InlineData("0e-1000")]
    [InlineData("123456789012345678901234567890.123456789")]
    [InlineData("0")]
    public async Task Every_number_the_api_accepts_is_stored_by_postgresql(string number)
    {
        var user = await silo.RegisterAsync();

        using var response = await PatchAsync(user, $$$"""{"preferences":{"n":{{{number}}}}}""");

        await response.AssertOkJsonAsync();
        var stored = JsonNode.Parse((await silo.UserRowAsync(user.Email))!.Preferences)!["n"]!;
        Assert.Equal(double.Parse(number, System.Globalization.CultureInfo.InvariantCulture), stored.GetValue<double>());
    }

    [Fact]
    public async Task A_profile_write_that_fails_leaves_the_profile_as_the_database_holds_it()
    {
        var user = await UserWithPreferencesAsync();
        var before = await ProfileAsync(user.AccessToken);

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "users", "UPDATE"))
        {
            using var failed = await PatchAsync(user, """{"display_name":"Changed","preferences":{"theme":"light"}}""");
            await failed.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            Assert.True(JsonNode.DeepEquals(before, await ProfileAsync(user.AccessToken)), "the grain serves a change that was never saved");
        }

        var row = (await silo.UserRowAsync(user.Email))!;
        Assert.Equal("Ada", row.DisplayName);
        using var retried = await PatchAsync(user, """{"display_name":"Changed"}""");
        Assert.Equal("Changed", (await retried.AssertOkJsonAsync())["data"]!["display_name"]!.GetValue<string>());
        Assert.Equal("dark", (await ProfileAsync(user.AccessToken))["preferences"]!["theme"]!.GetValue<string>());
    }
}
