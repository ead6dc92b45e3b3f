using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>
/// Viewers read tasks; members and up change them; deleting a label is for admins; an archived project's tasks are
/// read-only. What a role may not do is 403 AUTH_FORBIDDEN (409 CONFLICT when archived) and changes nothing.
/// </summary>
public sealed class TaskAccessTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>A team's project with a task carrying a label, a link and a dependency on a second task, and a third task.</summary>
    private sealed record Fixture(Team Team, long TaskId, long OtherTaskId, long SpareTaskId, long LabelId, long LinkId)
    {
        public long ProjectId => Team.ProjectId;
    }

    private async Task<Fixture> FixtureAsync()
    {
        var team = await silo.CreateTeamAsync();
        var owner = team.Owner.AccessToken;
        var label = (await silo.CreateLabelAsync(owner, team.ProjectId, "ops")).Id();
        var other = (await silo.CreateTaskAsync(owner, team.ProjectId, "other")).Id();
        var task = (await silo.CreateTaskAsync(owner, team.ProjectId, "main", new JsonObject { ["label_ids"] = new JsonArray(label) })).Id();
        await silo.AddDependencyAsync(owner, team.ProjectId, task, other);
        var link = (await silo.AddLinkAsync(owner, team.ProjectId, task, "https://example.com/doc", "doc")).Id();
        var spare = (await silo.CreateTaskAsync(owner, team.ProjectId, "spare")).Id();
        return new Fixture(team, task, other, spare, label, link);
    }

    /// <summary>Every change a member may make (deleting a label aside), as a request any caller can send, with its success status.</summary>
    private Dictionary<string, (Func<string, Task<HttpResponseMessage>> Send, HttpStatusCode Success)> Changes(Fixture f) => new()
    {
        ["create a task"] = (t => silo.CreateTaskResponseAsync(t, f.ProjectId, """{"title":"planted"}"""), HttpStatusCode.Created),
        ["patch a task"] = (t => silo.PatchTaskResponseAsync(t, f.ProjectId, f.TaskId, """{"title":"changed"}"""), HttpStatusCode.OK),
        ["move a task to done"] = (t => silo.PatchTaskResponseAsync(t, f.ProjectId, f.OtherTaskId, """{"status":"done"}"""), HttpStatusCode.OK),
        ["create a label"] = (t => silo.CreateLabelResponseAsync(t, f.ProjectId, "new-label"), HttpStatusCode.Created),
        ["add a dependency"] = (t => silo.AddDependencyResponseAsync(t, f.ProjectId, f.SpareTaskId, f.TaskId), HttpStatusCode.OK),
        ["remove a dependency"] = (t => silo.DeleteAsync(t, DependencyPath(f.ProjectId, f.TaskId, f.OtherTaskId)), HttpStatusCode.NoContent),
        ["add a link"] = (t => silo.AddLinkResponseAsync(t, f.ProjectId, f.TaskId, "https://example.com/new", "new"), HttpStatusCode.Created),
        ["delete a link"] = (t => silo.DeleteAsync(t, AttachmentPath(f.ProjectId, f.TaskId, f.LinkId)), HttpStatusCode.NoContent),
        ["delete a task"] = (t => silo.DeleteAsync(t, TaskPath(f.ProjectId, f.TaskId)), HttpStatusCode.NoContent),
        ["delete a label"] = (t => silo.DeleteAsync(t, LabelPath(f.ProjectId, f.LabelId)), HttpStatusCode.NoContent),
    };

    public static TheoryData<string> ChangeNames { get; } = new()
    {
        "create a task", "patch a task", "move a task to done", "create a label", "add a dependency", "remove a dependency", "add a link",
        "delete a link", "delete a task", "delete a label",
    };

    private static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
    }

    [Fact]
    public async Task A_viewer_reads_every_task_route()
    {
        var f = await FixtureAsync();
        var viewer = f.Team.Viewer.AccessToken;

        var task = await silo.GetTaskAsync(viewer, f.ProjectId, f.TaskId);
        using var byNumber = await silo.GetAsync(TaskNumberPath(f.ProjectId, 2), viewer);
        var list = await silo.ListTasksAsync(viewer, f.ProjectId);
        var labels = await silo.ListLabelsAsync(viewer, f.ProjectId);
        var activity = await silo.ListActivityAsync(viewer, f.ProjectId, f.TaskId);
        var links = await silo.ListLinksAsync(viewer, f.ProjectId, f.TaskId);

        Assert.Equal("main", task["title"]!.GetValue<string>());
        Assert.Equal(f.TaskId, AssertTask(await byNumber.AssertOkJsonAsync()).Id());
        Assert.Equal(3, list["total"]!.GetValue<int>());
        Assert.Equal([f.LabelId], labels.Ids());
        Assert.NotEmpty(activity["items"]!.AsArray());
        Assert.Equal([f.LinkId], links.Ids());
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task A_viewer_gets_403_AUTH_FORBIDDEN_on_every_change_and_nothing_changes(string change)
    {
        var f = await FixtureAsync();
        var (send, _) = Changes(f)[change];

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await send(f.Team.Viewer.AccessToken);
            await AssertStatusAsync(response, HttpStatusCode.Forbidden, change);
            await response.AssertForbiddenAsync();
        });
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task A_member_may_make_every_change_but_deleting_a_label_which_is_403(string change)
    {
        var f = await FixtureAsync();
        var (send, success) = Changes(f)[change];

        if (change == "delete a label")
        {
            await silo.AssertTasksUnchangedAsync(async () =>
            {
                using var refused = await send(f.Team.Member.AccessToken);
                await refused.AssertForbiddenAsync();
            });
            return;
        }

        using var response = await send(f.Team.Member.AccessToken);
        await AssertStatusAsync(response, success, change);
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task An_admin_may_make_every_change(string change)
    {
        var f = await FixtureAsync();
        var (send, success) = Changes(f)[change];

        using var response = await send(f.Team.Admin.AccessToken);

        await AssertStatusAsync(response, success, change);
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task Every_change_in_an_archived_project_is_409_CONFLICT_even_for_its_owner_and_nothing_changes(string change)
    {
        var f = await FixtureAsync();
        await silo.ArchiveAsync(f.Team.Owner.AccessToken, f.ProjectId);
        var (send, _) = Changes(f)[change];

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await send(f.Team.Owner.AccessToken);
            await AssertStatusAsync(response, HttpStatusCode.Conflict, change);
            await response.AssertConflictAsync();
        });
    }

    [Fact]
    public async Task An_archived_projects_tasks_can_still_be_read()
    {
        var f = await FixtureAsync();
        await silo.ArchiveAsync(f.Team.Owner.AccessToken, f.ProjectId);

        var task = await silo.GetTaskAsync(f.Team.Viewer.AccessToken, f.ProjectId, f.TaskId);
        var list = await silo.ListTasksAsync(f.Team.Member.AccessToken, f.ProjectId);

        Assert.Equal("main", task["title"]!.GetValue<string>());
        Assert.Equal(3, list["total"]!.GetValue<int>());
        Assert.Single((await silo.ListLabelsAsync(f.Team.Viewer.AccessToken, f.ProjectId))["items"]!.AsArray());
        Assert.Single((await silo.ListLinksAsync(f.Team.Viewer.AccessToken, f.ProjectId, f.TaskId))["items"]!.AsArray());
        Assert.NotEmpty((await silo.ListActivityAsync(f.Team.Viewer.AccessToken, f.ProjectId, f.TaskId))["items"]!.AsArray());
    }

    [Fact]
    public async Task After_unarchiving_tasks_can_be_changed_again()
    {
        var f = await FixtureAsync();
        await silo.ArchiveAsync(f.Team.Owner.AccessToken, f.ProjectId);
        using (var unarchive = await silo.PostAsync(f.Team.Owner.AccessToken, UnarchivePath(f.ProjectId)))
        {
            await unarchive.AssertOkJsonAsync();
        }

        var patched = await silo.PatchTaskAsync(f.Team.Member.AccessToken, f.ProjectId, f.TaskId, """{"title":"alive"}""");

        Assert.Equal("alive", patched["title"]!.GetValue<string>());
    }
}
