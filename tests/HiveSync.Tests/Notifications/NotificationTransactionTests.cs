using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>
/// A notification is written in the same transaction as its change: when writing it fails (a real PostgreSQL trigger
/// refuses inserts into <c>notifications</c>), the change rolls back with it, and succeeds once writes work again.
/// </summary>
public sealed class NotificationTransactionTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private Task<FailingWrites> NotificationsFailAsync() => FailingWrites.OnAsync(silo.ConnectionString, "notifications", "INSERT");

    [Fact]
    public async Task An_invite_whose_notification_cannot_be_written_adds_no_member()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var invited = await silo.RegisterAsync();
        await silo.VerifyEmailAsync(invited.Email);

        await using (await NotificationsFailAsync())
        {
            await silo.AssertTasksUnchangedAsync(async () =>
            {
                using var response = await silo.InviteResponseAsync(owner.AccessToken, projectId, invited.Email, "member");
                await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            });
        }

        Assert.Null(await silo.MemberRoleRowAsync(projectId, invited.UserId));
        await silo.InviteAsync(owner.AccessToken, projectId, invited.Email, "member");
        await silo.SingleNotificationAsync(invited.AccessToken, MemberAdded);
    }

    [Fact]
    public async Task A_role_change_whose_notification_cannot_be_written_keeps_the_old_role()
    {
        var team = await silo.CreateTeamAsync();

        await using (await NotificationsFailAsync())
        {
            await silo.AssertTasksUnchangedAsync(async () =>
            {
                using var response = await silo.ChangeRoleResponseAsync(team.Owner.AccessToken, team.ProjectId, team.Member.UserId, "admin");
                await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            });
        }

        Assert.Equal("member", await silo.MemberRoleRowAsync(team.ProjectId, team.Member.UserId));
        Assert.Equal("admin", (await silo.ChangeRoleAsync(team.Owner.AccessToken, team.ProjectId, team.Member.UserId, "admin"))["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_task_whose_assignment_notice_cannot_be_written_is_neither_created_nor_reassigned()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        var assignees = new JsonArray(team.Member.UserId);

        await using (await NotificationsFailAsync())
        {
            await silo.AssertTasksUnchangedAsync(async () =>
            {
                using var create = await silo.CreateTaskResponseAsync(team.Owner.AccessToken, team.ProjectId, Json(new JsonObject
                {
                    ["title"] = "Never", ["assignee_ids"] = assignees.DeepClone(),
                }));
                await create.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
                using var patch = await silo.PatchTaskResponseAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject
                {
                    ["assignee_ids"] = assignees.DeepClone(),
                }));
                await patch.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            });
        }

        var assigned = await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject { ["assignee_ids"] = assignees.DeepClone() }));
        Assert.Equal([team.Member.UserId], assigned["assignee_ids"].Longs());
        Assert.Equal(task.Id(), (await silo.SingleNotificationAsync(team.Member.AccessToken, TaskAssigned))["task_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_blocker_whose_done_notices_cannot_be_written_stays_open()
    {
        var team = await silo.CreateTeamAsync();
        var blocker = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        var waiting = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });
        await silo.AddDependencyAsync(team.Owner.AccessToken, team.ProjectId, waiting.Id(), blocker.Id());

        await using (await NotificationsFailAsync())
        {
            await silo.AssertTasksUnchangedAsync(async () =>
            {
                using var response = await silo.PatchTaskResponseAsync(team.Owner.AccessToken, team.ProjectId, blocker.Id(), """{"status":"done"}""");
                await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            });
        }

        Assert.Equal([blocker.Id()], (await silo.GetTaskAsync(team.Owner.AccessToken, team.ProjectId, waiting.Id())).BlockerIds());
        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, blocker.Id(), """{"status":"done"}""");
        await silo.SingleNotificationAsync(team.Member.AccessToken, BlockerDone);
    }
}
