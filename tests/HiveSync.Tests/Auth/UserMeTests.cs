using System.Net;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

public sealed class UserMeTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task User_me_returns_exactly_the_spec_user_object_unwrapped()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.GetAsync("/api/v1/user/me", user.AccessToken);

        var body = await response.AssertOkJsonAsync();
        AssertUserObject(body, user.UserId, user.Email);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"subscription_status\":null", raw, StringComparison.Ordinal); // null fields are present, not omitted
    }

    [Fact]
    public async Task Auth_me_returns_the_same_user_object_wrapped_in_data()
    {
        var user = await silo.RegisterAsync();

        using var userMe = await silo.GetAsync("/api/v1/user/me", user.AccessToken);
        using var authMe = await silo.GetAsync("/api/v1/auth/me", user.AccessToken);

        var unwrapped = await userMe.AssertOkJsonAsync();
        var wrapped = await authMe.AssertOkJsonAsync();
        AssertExactKeys(wrapped, "data");
        AssertUserObject(wrapped["data"], user.UserId, user.Email);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(unwrapped, wrapped["data"]), $"{unwrapped.ToJsonString()} vs {wrapped.ToJsonString()}");
    }

    [Fact]
    public async Task Me_answers_for_the_tokens_owner_only()
    {
        var alice = await silo.RegisterAsync(NewEmail("alice"));
        var bob = await silo.RegisterAsync(NewEmail("bob"));

        using var aliceMe = await silo.GetAsync("/api/v1/user/me", alice.AccessToken);
        using var bobMe = await silo.GetAsync("/api/v1/auth/me", bob.AccessToken);

        AssertUserObject(await aliceMe.AssertOkJsonAsync(), alice.UserId, alice.Email);
        AssertUserObject((await bobMe.AssertOkJsonAsync())["data"], bob.UserId, bob.Email);
    }

    [Fact]
    public async Task The_user_object_in_sign_in_answers_matches_user_me()
    {
        var user = await silo.RegisterAsync();

        using var userMe = await silo.GetAsync("/api/v1/user/me", user.AccessToken);

        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(await userMe.AssertOkJsonAsync(), user.Data["user"]));
    }

    [Fact]
    public async Task Posting_to_user_me_is_405_in_the_error_envelope()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/user/me", "{}", token: user.AccessToken);

        await response.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }
}
