using System.Net;
using System.Text.Json;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;

namespace HiveSync.Tests.Profile;

/// <summary>Usernames: chosen on the profile, unique ignoring case; invitations and @mentions name them.</summary>
public sealed class UsernameTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task A_username_is_set_unique_ignoring_case_and_cleared_with_null()
    {
        var alice = await silo.RegisterAsync();
        var bob = await silo.RegisterAsync();
        var name = "Al_" + Guid.NewGuid().ToString("N")[..8];

        var set = await PatchAsync(alice.AccessToken, new { username = name });
        Assert.Equal(name, (await set.ReadJsonAsync())["data"]!["username"]!.GetValue<string>());
        var taken = await PatchAsync(bob.AccessToken, new { username = name.ToUpperInvariant() });
        await taken.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        var cleared = await PatchAsync(alice.AccessToken, new { username = (string?)null });
        Assert.Null((await cleared.ReadJsonAsync())["data"]!["username"]);
        var free = await PatchAsync(bob.AccessToken, new { username = name.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("_leading")]
    [InlineData("has space")]
    [InlineData("émile")]
    public async Task A_malformed_username_is_400_naming_it(string username)
    {
        var user = await silo.RegisterAsync();

        var response = await PatchAsync(user.AccessToken, new { username });

        await response.AssertValidationErrorAsync("username");
    }

    [Fact]
    public async Task An_account_is_invited_by_username_and_a_mention_of_a_member_notifies_them_once()
    {
        var owner = await silo.RegisterAsync();
        var bob = await silo.RegisterAsync();
        var bobName = "bob-" + Guid.NewGuid().ToString("N")[..8];
        await PatchAsync(bob.AccessToken, new { username = bobName });
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var path = $"/api/v1/projects/{project.Id()}";

        var invited = await SendAsync(owner.AccessToken, HttpMethod.Post, $"{path}/team/invite", new { username = bobName.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        Assert.Equal(bobName, (await invited.ReadJsonAsync())["data"]!["username"]!.GetValue<string>());
        var both = await SendAsync(owner.AccessToken, HttpMethod.Post, $"{path}/team/invite", new { email = bob.Email, username = bobName });
        await both.AssertValidationErrorAsync("email");

        var task = await (await SendAsync(owner.AccessToken, HttpMethod.Post, $"{path}/tasks", new { title = "t", assignee_ids = new[] { bob.UserId } })).ReadJsonAsync();
        var comment = await SendAsync(owner.AccessToken, HttpMethod.Post, $"{path}/comments", new { entity_type = "task", entity_id = task["data"]!.Id(), body = $"Can you look, @{bobName}? And @nobody-here too." });
        Assert.Equal(HttpStatusCode.Created, comment.StatusCode);

        var notifications = await (await SendAsync(bob.AccessToken, HttpMethod.Get, "/api/v1/notifications", null)).ReadJsonAsync();
        var types = notifications["items"]!.AsArray().Select(n => n!["type"]!.GetValue<string>()).ToList();
        Assert.Single(types, t => t == "comment.mentioned");
        Assert.DoesNotContain("comment.on_assigned_task", types); // told once, of the mention
    }

    [Fact]
    public async Task An_edit_that_adds_a_mention_notifies_only_the_newly_named_member()
    {
        var owner = await silo.RegisterAsync();
        var bob = await silo.RegisterAsync();
        var carol = await silo.RegisterAsync();
        var bobName = "bob-" + Guid.NewGuid().ToString("N")[..8];
        var carolName = "carol-" + Guid.NewGuid().ToString("N")[..8];
        await PatchAsync(bob.AccessToken, new { username = bobName });
        await PatchAsync(carol.AccessToken, new { username = carolName });
        var path = $"/api/v1/projects/{(await silo.CreateProjectAsync(owner.AccessToken)).Id()}";
        foreach (var name in new[] { bobName, carolName })
        {
            var invited = await SendAsync(owner.AccessToken, HttpMethod.Post, $"{path}/team/invite", new { username = name });
            Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        }

        var task = await (await SendAsync(owner.AccessToken, HttpMethod.Post, $"{path}/tasks", new { title = "t" })).ReadJsonAsync();
        var comment = await (await SendAsync(owner.AccessToken, HttpMethod.Post, $"{path}/comments", new { entity_type = "task", entity_id = task["data"]!.Id(), body = $"Hi @{bobName}" })).ReadJsonAsync();

        var edited = await SendAsync(owner.AccessToken, HttpMethod.Patch, $"{path}/comments/{comment["data"]!.Id()}", new { body = $"Hi @{bobName} and @{carolName}" });
        Assert.True(edited.StatusCode == HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());

        Assert.Equal(1, await MentionsOfAsync(bob));
        Assert.True(await MentionsOfAsync(carol) == 1, (await (await SendAsync(carol.AccessToken, HttpMethod.Get, "/api/v1/notifications", null)).ReadJsonAsync()).ToJsonString());
        var notice = (await (await SendAsync(carol.AccessToken, HttpMethod.Get, "/api/v1/notifications", null)).ReadJsonAsync())["items"]!.AsArray()
            .Single(n => n!["type"]!.GetValue<string>() == "comment.mentioned")!;
        Assert.Equal(comment["data"]!.Id(), notice["comment_id"]!.GetValue<long>());
    }

    private async Task<int> MentionsOfAsync(SignedIn user)
    {
        var notifications = await (await SendAsync(user.AccessToken, HttpMethod.Get, "/api/v1/notifications", null)).ReadJsonAsync();
        return notifications["items"]!.AsArray().Count(n => n!["type"]!.GetValue<string>() == "comment.mentioned");
    }

    private Task<HttpResponseMessage> PatchAsync(string token, object body) => SendAsync(token, HttpMethod.Patch, "/api/v1/profile", body);

    private Task<HttpResponseMessage> SendAsync(string token, HttpMethod method, string path, object? body) =>
        silo.SendAsync(new TestRequest(method, path) { Bearer = token, Body = body is null ? null : JsonSerializer.Serialize(body) });
}
