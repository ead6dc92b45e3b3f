using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>A notification is written with its change: a change that is refused writes none.</summary>
public sealed class RefusedChangeNotificationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task A_refused_invite_or_role_change_in_an_archived_project_is_409_and_notifies_nobody()
    {
        var team = await silo.CreateTeamAsync();
        var outsider = await silo.RegisterAsync();
        await silo.ArchiveAsync(team.Owner.AccessToken, team.ProjectId);

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var invite = await silo.InviteResponseAsync(team.Owner.AccessToken, team.ProjectId, outsider.Email, "member");
            await invite.AssertConflictAsync();
            using var patch = await silo.ChangeRoleResponseAsync(team.Owner.AccessToken, team.ProjectId, team.Member.UserId, "admin");
            await patch.AssertConflictAsync();
        });
        Assert.Empty((await silo.ListNotificationsAsync(outsider.AccessToken))["items"]!.AsArray());
        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, RoleChanged);
    }

    [Fact]
    public async Task A_role_change_the_caller_may_not_make_is_403_and_notifies_nobody()
    {
        var team = await silo.CreateTeamAsync();

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.ChangeRoleResponseAsync(team.Admin.AccessToken, team.ProjectId, team.Member.UserId, "owner");
            await response.AssertForbiddenAsync();
        });
    }

    [Fact]
    public async Task Inviting_someone_already_a_member_is_409_and_notifies_them_no_second_time()
    {
        var team = await silo.CreateTeamAsync();

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.InviteResponseAsync(team.Owner.AccessToken, team.ProjectId, team.Member.Email, "admin");
            await response.AssertConflictAsync();
        });
        await silo.SingleNotificationAsync(team.Member.AccessToken, MemberAdded);
    }

    [Fact]
    public async Task A_task_patch_refused_with_409_for_open_blockers_notifies_neither_the_new_assignee_nor_the_waiting_ones()
    {
        var team = await silo.CreateTeamAsync();
        var owner = team.Owner.AccessToken;
        var first = await silo.CreateTaskAsync(owner, team.ProjectId);
        var blocked = await silo.CreateTaskAsync(owner, team.ProjectId);
        var waiting = await silo.CreateTaskAsync(owner, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Admin.UserId) });
        await silo.AddDependencyAsync(owner, team.ProjectId, blocked.Id(), first.Id());
        await silo.AddDependencyAsync(owner, team.ProjectId, waiting.Id(), blocked.Id());

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.PatchTaskResponseAsync(owner, team.ProjectId, blocked.Id(), Json(new JsonObject
            {
                ["status"] = "done",
                ["assignee_ids"] = new JsonArray(team.Member.UserId),
            }));
            await response.AssertConflictAsync();
        });
        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, TaskAssigned);
        await silo.AssertNoNotificationOfTypeAsync(team.Admin.AccessToken, BlockerDone);
    }

    [Fact]
    public async Task A_task_refused_for_an_assignee_outside_the_project_notifies_the_member_assigned_with_them_neither()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        var (outsider, _) = await silo.OwnProjectAsync();
        var assignees = new JsonArray(team.Member.UserId, outsider.UserId);

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var create = await silo.CreateTaskResponseAsync(team.Owner.AccessToken, team.ProjectId, Json(new JsonObject
            {
                ["title"] = "x", ["assignee_ids"] = assignees.DeepClone(),
            }));
            await create.AssertValidationErrorAsync("assignee_ids");
            using var patch = await silo.PatchTaskResponseAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject
            {
                ["assignee_ids"] = assignees.DeepClone(),
            }));
            await patch.AssertValidationErrorAsync("assignee_ids");
        });
        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, TaskAssigned);
    }
}
