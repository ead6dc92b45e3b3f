using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>
/// The role table of docs/api.md, row by row: the lowest role it allows succeeds, and every role below it gets 403
/// AUTH_FORBIDDEN and changes nothing.
/// </summary>
public sealed class ProjectAccessTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private static readonly string[] RolesFromLowest = ["viewer", "member", "admin", "owner"];

    /// <summary>One action on <paramref name="team"/>'s project, as a request any caller can send, and its success status.</summary>
    private async Task<(Func<SignedIn, Task<HttpResponseMessage>> Send, HttpStatusCode Success)> PrepareAsync(string action, Team team)
    {
        var id = team.ProjectId;
        var owner = team.Owner.AccessToken;
        switch (action)
        {
            case "read the project":
                return (c => silo.GetAsync(ProjectPath(id), c.AccessToken), HttpStatusCode.OK);
            case "read its tags":
                return (c => silo.GetAsync(TagsPath(id), c.AccessToken), HttpStatusCode.OK);
            case "read its team":
                return (c => silo.GetAsync(TeamPath(id), c.AccessToken), HttpStatusCode.OK);
            case "favorite it":
                return (c => silo.PostAsync(c.AccessToken, FavoritePath(id)), HttpStatusCode.NoContent);
            case "unfavorite it":
                return (c => silo.DeleteAsync(c.AccessToken, FavoritePath(id)), HttpStatusCode.NoContent);
            case "leave it":
                return (c => silo.DeleteAsync(c.AccessToken, MemberPath(id, c.UserId)), HttpStatusCode.NoContent);
            case "create a tag":
                return (c => silo.CreateTagResponseAsync(c.AccessToken, id, "tag-" + Guid.NewGuid().ToString("N")[..8]), HttpStatusCode.Created);
            case "rename it":
                return (c => silo.PatchProjectResponseAsync(c.AccessToken, id, """{"name":"Renamed"}"""), HttpStatusCode.OK);
            case "describe it":
                return (c => silo.PatchProjectResponseAsync(c.AccessToken, id, """{"description":"Described"}"""), HttpStatusCode.OK);
            case "archive it":
                return (c => silo.PostAsync(c.AccessToken, ArchivePath(id)), HttpStatusCode.OK);
            case "unarchive it":
                await silo.ArchiveAsync(owner, id);
                return (c => silo.PostAsync(c.AccessToken, UnarchivePath(id)), HttpStatusCode.OK);
            case "delete a tag":
                var tagId = (await silo.CreateTagAsync(owner, id, "doomed")).Id();
                return (c => silo.DeleteAsync(c.AccessToken, TagPath(id, tagId)), HttpStatusCode.NoContent);
            case "invite a member":
            case "invite an admin":
            case "invite a viewer":
            case "invite an owner":
                var candidate = await silo.RegisterAsync();
                await silo.VerifyEmailAsync(candidate.Email);
                var role = action.Split(' ')[^1];
                return (c => silo.InviteResponseAsync(c.AccessToken, id, candidate.Email, role), HttpStatusCode.Created);
            case "make a member a viewer":
                var member = await silo.AddMemberAsync(owner, id, "member");
                return (c => silo.ChangeRoleResponseAsync(c.AccessToken, id, member.UserId, "viewer"), HttpStatusCode.OK);
            case "make a viewer an admin":
                var viewer = await silo.AddMemberAsync(owner, id, "viewer");
                return (c => silo.ChangeRoleResponseAsync(c.AccessToken, id, viewer.UserId, "admin"), HttpStatusCode.OK);
            case "make an admin a member":
                var admin = await silo.AddMemberAsync(owner, id, "admin");
                return (c => silo.ChangeRoleResponseAsync(c.AccessToken, id, admin.UserId, "member"), HttpStatusCode.OK);
            case "remove a viewer":
            case "remove a member":
            case "remove an admin":
            case "remove an owner":
                var removed = await silo.AddMemberAsync(owner, id, action.Split(' ')[^1]);
                return (c => silo.DeleteAsync(c.AccessToken, MemberPath(id, removed.UserId)), HttpStatusCode.NoContent);
            case "make a member an owner":
                var promoted = await silo.AddMemberAsync(owner, id, "member");
                return (c => silo.ChangeRoleResponseAsync(c.AccessToken, id, promoted.UserId, "owner"), HttpStatusCode.OK);
            case "demote an owner":
                var demoted = await silo.AddMemberAsync(owner, id, "owner");
                return (c => silo.ChangeRoleResponseAsync(c.AccessToken, id, demoted.UserId, "admin"), HttpStatusCode.OK);
            case "delete the project":
                return (c => silo.DeleteAsync(c.AccessToken, ProjectPath(id)), HttpStatusCode.NoContent);
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "not an action of the role table");
        }
    }

    [Theory]
    [InlineData("read the project", "viewer")]
    [InlineData("read its tags", "viewer")]
    [InlineData("read its team", "viewer")]
    [InlineData("favorite it", "viewer")]
    [InlineData("unfavorite it", "viewer")]
    [InlineData("leave it", "viewer")]
    [InlineData("create a tag", "member")]
    [InlineData("rename it", "admin")]
    [InlineData("describe it", "admin")]
    [InlineData("archive it", "admin")]
    [InlineData("unarchive it", "admin")]
    [InlineData("delete a tag", "admin")]
    [InlineData("invite a member", "admin")]
    [InlineData("invite an admin", "admin")]
    [InlineData("invite a viewer", "admin")]
    [InlineData("make a member a viewer", "admin")]
    [InlineData("make a viewer an admin", "admin")]
    [InlineData("make an admin a member", "admin")]
    [InlineData("remove a viewer", "admin")]
    [InlineData("remove a member", "admin")]
    [InlineData("remove an admin", "admin")]
    [InlineData("invite an owner", "owner")]
    [InlineData("make a member an owner", "owner")]
    [InlineData("demote an owner", "owner")]
    [InlineData("remove an owner", "owner")]
    [InlineData("delete the project", "owner")]
    public async Task The_lowest_role_allowed_succeeds_and_every_role_below_is_403_and_changes_nothing(string action, string lowest)
    {
        var team = await silo.CreateTeamAsync();
        var (send, success) = await PrepareAsync(action, team);

        foreach (var below in RolesFromLowest.TakeWhile(r => r != lowest))
        {
            await silo.AssertChangesNothingAsync(async () =>
            {
                using var refused = await send(team.As(below));
                await refused.AssertForbiddenAsync();
            });
        }

        using var allowed = await send(team.As(lowest));
        var text = await allowed.Content.ReadAsStringAsync();
        Assert.True(allowed.StatusCode == success, $"{lowest} may {action}: expected {(int)success}, got {(int)allowed.StatusCode}: {text}");
    }

    [Fact]
    public async Task Each_role_sees_its_own_role_in_the_project()
    {
        var team = await silo.CreateTeamAsync();

        foreach (var role in RolesFromLowest)
        {
            var project = await silo.GetProjectAsync(team.As(role).AccessToken, team.ProjectId);
            Assert.Equal(role, project["role"]!.GetValue<string>());
            Assert.Equal(4, project["member_count"]!.GetValue<int>());
            Assert.Equal(team.Owner.UserId, project["created_by"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task A_member_may_create_a_tag_that_then_marks_the_project()
    {
        var team = await silo.CreateTeamAsync();

        await silo.CreateTagAsync(team.Member.AccessToken, team.ProjectId, "from-member");

        Assert.Equal(["from-member"], (await silo.GetProjectAsync(team.Viewer.AccessToken, team.ProjectId)).TagNames());
        Assert.Equal([team.ProjectId], (await silo.ListProjectsAsync(team.Viewer.AccessToken, "tag=from-member")).Ids());
    }

    [Fact]
    public async Task A_changed_project_reads_the_same_for_every_member_but_the_role()
    {
        var team = await silo.CreateTeamAsync();

        var patched = await silo.PatchProjectAsync(team.Admin.AccessToken, team.ProjectId, """{"name":"By the admin"}""");
        var seen = await silo.GetProjectAsync(team.Viewer.AccessToken, team.ProjectId);

        Assert.Equal("By the admin", seen["name"]!.GetValue<string>());
        Assert.Equal("admin", patched["role"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(WithoutRole(patched), WithoutRole(seen)), $"{patched.ToJsonString()} vs {seen.ToJsonString()}");

        static JsonObject WithoutRole(JsonNode project)
        {
            var copy = project.DeepClone().AsObject();
            copy.Remove("role");
            return copy;
        }
    }
}
