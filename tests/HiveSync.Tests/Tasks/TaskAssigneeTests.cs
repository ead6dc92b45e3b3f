using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>Assignees are members of the project: only members can be assigned, and leaving the project unassigns them everywhere.</summary>
public sealed class TaskAssigneeTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private Task<long> AssignmentsAsync(long projectId, long userId) =>
        silo.CountAsync("SELECT count(*) FROM task_assignees WHERE project_id = @projectId AND user_id = @userId", new { projectId, userId });

    [Fact]
    public async Task Any_member_of_the_project_can_be_assigned()
    {
        var team = await silo.CreateTeamAsync();
        var everyone = new[] { team.Owner, team.Admin, team.Member, team.Viewer }.Select(u => u.UserId).Order().ToList();

        var task = await silo.CreateTaskAsync(team.Member.AccessToken, team.ProjectId, fields: new JsonObject
        {
            ["assignee_ids"] = new JsonArray(everyone.Select(id => (JsonNode)id).ToArray()),
        });

        Assert.Equal(everyone, task["assignee_ids"].Longs().Order());
    }

    [Fact]
    public async Task A_member_of_another_project_cannot_be_assigned_and_nothing_is_written()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId);
        var (outsider, _) = await silo.OwnProjectAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var create = await silo.CreateTaskResponseAsync(owner.AccessToken, projectId, Json(new JsonObject
            {
                ["title"] = "x", ["assignee_ids"] = new JsonArray(owner.UserId, outsider.UserId),
            }));
            await create.AssertValidationErrorAsync("assignee_ids");
            using var patch = await silo.PatchTaskResponseAsync(owner.AccessToken, projectId, task.Id(), Json(new JsonObject
            {
                ["assignee_ids"] = new JsonArray(outsider.UserId),
            }));
            await patch.AssertValidationErrorAsync("assignee_ids");
        });
    }

    [Fact]
    public async Task Removing_a_member_unassigns_them_from_every_task_and_keeps_the_other_assignees()
    {
        var team = await silo.CreateTeamAsync();
        var id = team.ProjectId;
        var owner = team.Owner.AccessToken;
        var shared = await silo.CreateTaskAsync(owner, id, "shared", new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId, team.Admin.UserId) });
        var alone = await silo.CreateTaskAsync(owner, id, "alone", new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });
        var (otherOwner, otherProject) = await silo.OwnProjectAsync();
        await silo.InviteAsync(otherOwner.AccessToken, otherProject, team.Member.Email, "member");
        var elsewhere = await silo.CreateTaskAsync(otherOwner.AccessToken, otherProject, "elsewhere", new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });

        using (var removed = await silo.DeleteAsync(owner, MemberPath(id, team.Member.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        Assert.Equal([team.Admin.UserId], (await silo.GetTaskAsync(owner, id, shared.Id()))["assignee_ids"].Longs());
        Assert.Empty((await silo.GetTaskAsync(owner, id, alone.Id()))["assignee_ids"].Longs());
        Assert.Empty((await silo.ListTasksAsync(owner, id, "assignee=" + Text(team.Member.UserId)))["items"]!.AsArray());
        Assert.Equal(0, await AssignmentsAsync(id, team.Member.UserId));
        Assert.Equal([team.Member.UserId], (await silo.GetTaskAsync(otherOwner.AccessToken, otherProject, elsewhere.Id()))["assignee_ids"].Longs());
    }

    [Fact]
    public async Task Leaving_the_project_unassigns_too()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Viewer.UserId) });

        using (var left = await silo.DeleteAsync(team.Viewer.AccessToken, MemberPath(team.ProjectId, team.Viewer.UserId)))
        {
            await left.AssertNoContentAsync();
        }

        Assert.Empty((await silo.GetTaskAsync(team.Owner.AccessToken, team.ProjectId, task.Id()))["assignee_ids"].Longs());
        Assert.Equal(0, await AssignmentsAsync(team.ProjectId, team.Viewer.UserId));
    }

    [Fact]
    public async Task A_removed_member_can_no_longer_be_assigned()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        using (var removed = await silo.DeleteAsync(team.Owner.AccessToken, MemberPath(team.ProjectId, team.Member.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        using var patch = await silo.PatchTaskResponseAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Member.UserId),
        }));

        await patch.AssertValidationErrorAsync("assignee_ids");
    }
}
