using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>
/// A signed-in account that is not a member gets exactly what a missing project gets, 404 PROJECT_NOT_FOUND, on every
/// project route, before its body or the other ids are looked at, and nothing changes.
/// </summary>
public sealed class ProjectStrangerTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>Every project route: method, path under the project (<c>{tag}</c>, <c>{member}</c>, <c>{self}</c> filled in) and body (<c>{self_email}</c> filled in).</summary>
    public static TheoryData<string, string, string?> Routes { get; } = new()
    {
        { "GET", "", null },
        { "PATCH", "", """{"name":"Hijacked"}""" },
        { "PATCH", "", """{"name":"","no_such_field":1}""" },
        { "PATCH", "", """{"name":""" },
        { "DELETE", "", null },
        { "POST", "/archive", null },
        { "POST", "/unarchive", null },
        { "POST", "/favorite", null },
        { "DELETE", "/favorite", null },
        { "GET", "/tags", null },
        { "POST", "/tags", """{"name":"planted"}""" },
        { "POST", "/tags", """{"name":""}""" },
        { "POST", "/tags", """{"name":5}""" },
        { "POST", "/tags", """{"name":"planted","bogus":1}""" },
        { "DELETE", "/tags/{tag}", null },
        { "DELETE", "/tags/999999999", null },
        { "GET", "/team", null },
        { "POST", "/team/invite", """{"email":"{self_email}","role":"owner"}""" },
        { "POST", "/team/invite", """{"email":"{self_email}"}""" },
        { "POST", "/team/invite", """{"bogus":true}""" },
        { "POST", "/team/invite", "not json" },
        { "PATCH", "/team/{member}", """{"role":"viewer"}""" },
        { "PATCH", "/team/{member}", """{"role":"viewer","bogus":1}""" },
        { "PATCH", "/team/{self}", """{"role":"owner"}""" },
        { "PATCH", "/team/999999999", """{"role":"boss"}""" },
        { "DELETE", "/team/{member}", null },
        { "DELETE", "/team/{self}", null },
    };

    private static string Fill(string text, long tagId, SignedIn member, SignedIn stranger) => text
        .Replace("{tag}", Text(tagId), StringComparison.Ordinal)
        .Replace("{member}", Text(member.UserId), StringComparison.Ordinal)
        .Replace("{self}", Text(stranger.UserId), StringComparison.Ordinal)
        .Replace("{self_email}", stranger.Email, StringComparison.Ordinal);

    private Task<HttpResponseMessage> SendAsync(string method, string projectId, string path, string? body, string token) =>
        silo.SendAsync(new HttpMethod(method), ProjectPath(projectId) + path, body, token: token);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_stranger_gets_404_PROJECT_NOT_FOUND_exactly_like_for_a_missing_project_and_nothing_changes(string method, string path, string? body)
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var tagId = (await silo.CreateTagAsync(owner.AccessToken, project.Id(), "private")).Id();
        var member = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "admin");
        await silo.FavoriteAsync(member.AccessToken, project.Id());
        var (stranger, missing) = await silo.StrangerWithMissingProjectAsync();
        var before = await silo.GetProjectAsync(owner.AccessToken, project.Id());
        var route = Fill(path, tagId, member, stranger);
        var json = body is null ? null : Fill(body, tagId, member, stranger);

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var foreign = await SendAsync(method, Text(project.Id()), route, json, stranger.AccessToken);
            using var gone = await SendAsync(method, Text(missing), route, json, stranger.AccessToken);
            await foreign.AssertAnswersLikeMissingAsync(gone);
        });
        Assert.True(JsonNode.DeepEquals(before, await silo.GetProjectAsync(owner.AccessToken, project.Id())));
    }

    /// <summary>Sends every project route for <paramref name="projectId"/> and hands each answer to <paramref name="check"/>; nothing may change.</summary>
    private async Task ForEveryRouteAsync(string projectId, Func<HttpResponseMessage, string, Task> check)
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken);

        await silo.AssertChangesNothingAsync(async () =>
        {
            foreach (var route in Routes)
            {
                var (method, path, body) = ((string)route[0], (string)route[1], (string?)route[2]);
                var filled = path.Replace("{tag}", "1", StringComparison.Ordinal).Replace("{member}", "1", StringComparison.Ordinal).Replace("{self}", Text(user.UserId), StringComparison.Ordinal);
                using var response = await SendAsync(method, projectId, filled, body?.Replace("{self_email}", user.Email, StringComparison.Ordinal), user.AccessToken);
                var text = await response.Content.ReadAsStringAsync();
                var what = $"{method} {ProjectPath(projectId)}{filled}";
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{what}: expected 404, got {(int)response.StatusCode}: {text}");
                await check(response, what);
            }
        });
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("9223372036854775807")]
    public async Task A_project_id_no_project_has_is_404_PROJECT_NOT_FOUND_on_every_route(string projectId)
    {
        await ForEveryRouteAsync(projectId, async (response, _) => await response.AssertProjectNotFoundAsync());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("99999999999999999999")]
    [InlineData("%20")]
    public async Task A_project_id_that_is_not_an_integer_is_404_on_every_route(string projectId)
    {
        // docs/api.md: "a path id that is not one is a 404 too" (the code is not fixed: PROJECT_NOT_FOUND or the router's NOT_FOUND).
        await ForEveryRouteAsync(projectId, async (response, what) =>
        {
            var text = await response.Content.ReadAsStringAsync();
            var code = Assert.IsType<string>(JsonNode.Parse(text)?["error"]?["code"]?.GetValue<string>());
            Assert.True(code is "PROJECT_NOT_FOUND" or "NOT_FOUND", $"{what}: {text}");
            await response.AssertErrorAsync(HttpStatusCode.NotFound, code);
        });
    }

    [Fact]
    public async Task A_removed_member_becomes_a_stranger()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var former = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "admin");
        using (var removed = await silo.DeleteAsync(owner.AccessToken, MemberPath(project.Id(), former.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var patch = await silo.PatchProjectResponseAsync(former.AccessToken, project.Id(), """{"name":"Revenge"}""");
            await patch.AssertProjectNotFoundAsync();
            using var invite = await silo.InviteResponseAsync(former.AccessToken, project.Id(), former.Email, "admin");
            await invite.AssertProjectNotFoundAsync();
        });
    }
}
