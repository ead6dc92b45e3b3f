using System.Text.Json.Nodes;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>The task events: each new assignee is notified once, and finishing a blocker notifies the assignees of what waited for it.</summary>
public sealed class TaskNotificationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private static JsonObject Assigned(JsonNode task) => new()
    {
        ["project_key"] = task["key"]!.GetValue<string>().Split('-')[0],
        ["task_key"] = task["key"]!.GetValue<string>(),
        ["task_title"] = task["title"]!.GetValue<string>(),
    };

    [Fact]
    public async Task Creating_a_task_notifies_each_assignee_once_but_not_the_creator_among_them()
    {
        var team = await silo.CreateTeamAsync();

        var task = await silo.CreateTaskAsync(team.Member.AccessToken, team.ProjectId, "Write the docs", new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Admin.UserId, team.Viewer.UserId, team.Member.UserId),
        });

        foreach (var assignee in new[] { team.Admin, team.Viewer })
        {
            var notification = await silo.SingleNotificationAsync(assignee.AccessToken, TaskAssigned);
            AssertNotification(notification, TaskAssigned, team.Member.UserId, team.ProjectId, task.Id(), Assigned(task));
        }

        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, TaskAssigned);
        Assert.Equal(new[] { team.Admin.UserId, team.Viewer.UserId }.Order(), await silo.RecipientsAsync(team.ProjectId, TaskAssigned));
    }

    [Fact]
    public async Task A_task_created_without_assignees_notifies_nobody()
    {
        var team = await silo.CreateTeamAsync();

        await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);

        Assert.Empty(await silo.RecipientsAsync(team.ProjectId, TaskAssigned));
    }

    [Fact]
    public async Task Adding_an_assignee_by_patch_notifies_only_the_newly_added_one()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Admin.UserId) });

        await silo.PatchTaskAsync(team.Member.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Admin.UserId, team.Viewer.UserId),
        }));

        var added = await silo.SingleNotificationAsync(team.Viewer.AccessToken, TaskAssigned);
        AssertNotification(added, TaskAssigned, team.Member.UserId, team.ProjectId, task.Id(), Assigned(task));
        var kept = await silo.SingleNotificationAsync(team.Admin.AccessToken, TaskAssigned);
        Assert.Equal(team.Owner.UserId, kept["actor_id"]!.GetValue<long>()); // still only the one of the creation
        Assert.Equal(new[] { team.Admin.UserId, team.Viewer.UserId }.Order(), await silo.RecipientsAsync(team.ProjectId, TaskAssigned));
    }

    [Fact]
    public async Task A_patch_that_keeps_or_removes_assignees_notifies_nobody()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Admin.UserId, team.Viewer.UserId),
        });
        var before = await silo.RecipientsAsync(team.ProjectId, TaskAssigned);

        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Viewer.UserId, team.Admin.UserId),
        }));
        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject { ["assignee_ids"] = new JsonArray(team.Viewer.UserId) }));
        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), """{"title":"Renamed"}""");

        Assert.Equal(before, await silo.RecipientsAsync(team.ProjectId, TaskAssigned));
    }

    [Fact]
    public async Task Assigning_yourself_creates_no_notification()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            await silo.PatchTaskAsync(team.Member.AccessToken, team.ProjectId, task.Id(), Json(new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) }));
            await silo.CreateTaskAsync(team.Member.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });
        });
        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, TaskAssigned);
    }

    [Fact]
    public async Task A_blocker_becoming_done_notifies_the_assignees_of_every_task_waiting_for_it_and_nobody_else()
    {
        var team = await silo.CreateTeamAsync();
        var id = team.ProjectId;
        var owner = team.Owner.AccessToken;
        var blocker = await silo.CreateTaskAsync(owner, id, "Pour the foundation");
        var waiting = await silo.CreateTaskAsync(owner, id, "Build the walls", new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId, team.Viewer.UserId) });
        var alsoWaiting = await silo.CreateTaskAsync(owner, id, "Lay the pipes", new JsonObject { ["assignee_ids"] = new JsonArray(team.Admin.UserId) });
        await silo.CreateTaskAsync(owner, id, "Paint the fence", new JsonObject { ["assignee_ids"] = new JsonArray(team.Admin.UserId) });
        await silo.AddDependencyAsync(owner, id, waiting.Id(), blocker.Id());
        await silo.AddDependencyAsync(owner, id, alsoWaiting.Id(), blocker.Id());

        await silo.PatchTaskAsync(owner, id, blocker.Id(), """{"status":"done"}""");

        foreach (var (assignee, task) in new[] { (team.Member, waiting), (team.Viewer, waiting), (team.Admin, alsoWaiting) })
        {
            var notification = await silo.SingleNotificationAsync(assignee.AccessToken, BlockerDone);
            var data = Assigned(task);
            data["blocker_key"] = blocker["key"]!.GetValue<string>();
            data["blocker_title"] = "Pour the foundation";
            AssertNotification(notification, BlockerDone, team.Owner.UserId, id, task.Id(), data);
        }

        Assert.Equal(new[] { team.Admin.UserId, team.Member.UserId, team.Viewer.UserId }.Order(), await silo.RecipientsAsync(id, BlockerDone));
    }

    [Fact]
    public async Task The_assignee_who_finishes_the_blocker_is_not_notified_and_the_other_assignees_are()
    {
        var team = await silo.CreateTeamAsync();
        var blocker = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        var waiting = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Member.UserId, team.Admin.UserId),
        });
        await silo.AddDependencyAsync(team.Owner.AccessToken, team.ProjectId, waiting.Id(), blocker.Id());

        await silo.PatchTaskAsync(team.Member.AccessToken, team.ProjectId, blocker.Id(), """{"status":"done"}""");

        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, BlockerDone);
        Assert.Equal([team.Admin.UserId], await silo.RecipientsAsync(team.ProjectId, BlockerDone));
    }

    [Fact]
    public async Task Only_becoming_done_notifies_not_other_statuses_nor_a_change_to_a_task_already_done()
    {
        var team = await silo.CreateTeamAsync();
        var blocker = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        var waiting = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });
        await silo.AddDependencyAsync(team.Owner.AccessToken, team.ProjectId, waiting.Id(), blocker.Id());

        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, blocker.Id(), """{"status":"in_review"}""");
        Assert.Empty(await silo.RecipientsAsync(team.ProjectId, BlockerDone));

        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, blocker.Id(), """{"status":"done"}""");
        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, blocker.Id(), """{"status":"done","title":"Done already"}""");

        Assert.Equal([team.Member.UserId], await silo.RecipientsAsync(team.ProjectId, BlockerDone));
    }
}
