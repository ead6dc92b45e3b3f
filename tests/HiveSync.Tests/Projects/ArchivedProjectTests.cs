using System.Net;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>
/// An archived project is read-only: every change but unarchive, favorites, leaving and deletion is 409 CONFLICT and
/// changes nothing, even for its owner.
/// </summary>
public sealed class ArchivedProjectTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>An archived project with a tag and a member, both added before it was archived.</summary>
    private async Task<(Team Team, long TagId, SignedIn Extra)> ArchivedTeamAsync()
    {
        var team = await silo.CreateTeamAsync();
        var tagId = (await silo.CreateTagAsync(team.Owner.AccessToken, team.ProjectId, "kept")).Id();
        var extra = await silo.AddMemberAsync(team.Owner.AccessToken, team.ProjectId, "member");
        await silo.ArchiveAsync(team.Owner.AccessToken, team.ProjectId);
        return (team, tagId, extra);
    }

    [Fact]
    public async Task Every_other_change_of_an_archived_project_is_409_and_changes_nothing()
    {
        var (team, tagId, extra) = await ArchivedTeamAsync();
        var id = team.ProjectId;
        var owner = team.Owner.AccessToken;
        var candidate = await silo.RegisterAsync();
        var attempts = new (string What, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("rename", () => silo.PatchProjectResponseAsync(owner, id, """{"name":"Renamed"}""")),
            ("describe", () => silo.PatchProjectResponseAsync(owner, id, """{"description":"Described"}""")),
            ("create a tag", () => silo.CreateTagResponseAsync(owner, id, "new")),
            ("delete a tag", () => silo.DeleteAsync(owner, TagPath(id, tagId))),
            ("invite", () => silo.InviteResponseAsync(owner, id, candidate.Email)),
            ("change a role", () => silo.ChangeRoleResponseAsync(owner, id, extra.UserId, "admin")),
            ("remove a member", () => silo.DeleteAsync(owner, MemberPath(id, extra.UserId))),
            ("create a tag as a member", () => silo.CreateTagResponseAsync(team.Member.AccessToken, id, "other")),
        };

        foreach (var (what, send) in attempts)
        {
            await silo.AssertChangesNothingAsync(async () =>
            {
                using var response = await send();
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{what}: expected 409, got {(int)response.StatusCode}: {text}");
                await response.AssertConflictAsync();
            });
        }
    }

    [Fact]
    public async Task Archiving_an_archived_project_again_changes_nothing()
    {
        var (team, _, _) = await ArchivedTeamAsync();
        var before = await silo.GetProjectAsync(team.Owner.AccessToken, team.ProjectId);

        await silo.AssertChangesNothingAsync(async () =>
        {
            // docs/api.md does not say whether this is a "change" (409) or an idempotent no-op (200); either way nothing moves.
            using var again = await silo.PostAsync(team.Owner.AccessToken, ArchivePath(team.ProjectId));
            var text = await again.Content.ReadAsStringAsync();
            Assert.True(again.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, text);
        });
        Assert.Equal(before["archived_at"]!.GetValue<string>(), (await silo.GetProjectAsync(team.Owner.AccessToken, team.ProjectId))["archived_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_archived_project_can_still_be_read_by_every_member()
    {
        var (team, _, _) = await ArchivedTeamAsync();

        var project = await silo.GetProjectAsync(team.Viewer.AccessToken, team.ProjectId);

        Assert.True(project["archived"]!.GetValue<bool>());
        Assert.Equal(["kept"], (await silo.ListTagsAsync(team.Viewer.AccessToken, team.ProjectId)).Names());
        Assert.Equal(5, (await silo.ListTeamAsync(team.Viewer.AccessToken, team.ProjectId))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_archived_project_can_be_favorited_and_unfavorited()
    {
        var (team, _, _) = await ArchivedTeamAsync();

        await silo.FavoriteAsync(team.Viewer.AccessToken, team.ProjectId);
        Assert.True((await silo.GetProjectAsync(team.Viewer.AccessToken, team.ProjectId))["is_favorite"]!.GetValue<bool>());

        using var unfavorite = await silo.DeleteAsync(team.Viewer.AccessToken, FavoritePath(team.ProjectId));
        await unfavorite.AssertNoContentAsync();
        Assert.False((await silo.GetProjectAsync(team.Viewer.AccessToken, team.ProjectId))["is_favorite"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_archived_project_can_be_left()
    {
        var (team, _, _) = await ArchivedTeamAsync();

        using var left = await silo.DeleteAsync(team.Member.AccessToken, MemberPath(team.ProjectId, team.Member.UserId));

        await left.AssertNoContentAsync();
        Assert.Null(await silo.MemberRoleRowAsync(team.ProjectId, team.Member.UserId));
    }

    [Fact]
    public async Task An_archived_project_can_be_unarchived_and_then_changed_again()
    {
        var (team, _, _) = await ArchivedTeamAsync();

        using (var unarchive = await silo.PostAsync(team.Admin.AccessToken, UnarchivePath(team.ProjectId)))
        {
            Assert.False(AssertProject(await unarchive.AssertOkJsonAsync())["archived"]!.GetValue<bool>());
        }

        var renamed = await silo.PatchProjectAsync(team.Admin.AccessToken, team.ProjectId, """{"name":"Alive again"}""");
        Assert.Equal("Alive again", renamed["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_archived_project_can_be_deleted_by_its_owner()
    {
        var (team, _, _) = await ArchivedTeamAsync();

        using var deleted = await silo.DeleteAsync(team.Owner.AccessToken, ProjectPath(team.ProjectId));

        await deleted.AssertNoContentAsync();
        Assert.Equal(new ProjectRowCounts(0, 0, 0, 0), await silo.ProjectRowCountsAsync(team.ProjectId));
    }
}
