using System.Text.Json.Nodes;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>A comment on a task notifies each of its assignees but the author (<c>comment.on_assigned_task</c>); one on the project notifies nobody.</summary>
public sealed class CommentNotificationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private static void AssertCommentNotification(JsonNode notification, JsonNode task, JsonNode comment, string excerpt)
    {
        AssertNotificationShape(notification);
        Assert.Equal(CommentOnAssignedTask, notification["type"]!.GetValue<string>());
        Assert.Equal(comment["author_id"]!.GetValue<long>(), notification["actor_id"]!.GetValue<long>());
        Assert.Equal(comment["project_id"]!.GetValue<long>(), notification["project_id"]!.GetValue<long>());
        Assert.Equal(task.Id(), notification["task_id"]?.GetValue<long>());
        Assert.Equal(comment.Id(), notification["comment_id"]?.GetValue<long>());
        Assert.False(notification["read"]!.GetValue<bool>());
        var data = notification["data"]!.AsObject();
        Assert.Equal(["excerpt", "task_key", "task_title"], data.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(task["key"]!.GetValue<string>(), data["task_key"]!.GetValue<string>());
        Assert.Equal(task["title"]!.GetValue<string>(), data["task_title"]!.GetValue<string>());
        Assert.Equal(excerpt, data["excerpt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_comment_on_a_task_notifies_each_assignee_once_but_not_the_author_among_them()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, "Ship the release", new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Admin.UserId, team.Viewer.UserId, team.Member.UserId),
        });

        var comment = await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, task.Id(), "Blocked on the changelog");

        foreach (var assignee in new[] { team.Admin, team.Viewer })
        {
            var notification = await silo.SingleNotificationAsync(assignee.AccessToken, CommentOnAssignedTask);
            AssertCommentNotification(notification, task, comment, "Blocked on the changelog");
        }

        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, CommentOnAssignedTask);
        await silo.AssertNoNotificationOfTypeAsync(team.Owner.AccessToken, CommentOnAssignedTask);
        Assert.Equal(new[] { team.Admin.UserId, team.Viewer.UserId }.Order(), await silo.RecipientsAsync(team.ProjectId, CommentOnAssignedTask));
    }

    [Fact]
    public async Task Each_comment_notifies_anew()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });

        await silo.CommentOnTaskAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), "first");
        await silo.CommentOnTaskAsync(team.Admin.AccessToken, team.ProjectId, task.Id(), "second");

        var found = await silo.NotificationsOfTypeAsync(team.Member.AccessToken, CommentOnAssignedTask);
        Assert.Equal(["second", "first"], found.Select(n => n["data"]!["excerpt"]!.GetValue<string>())); // newest first
    }

    [Fact]
    public async Task A_comment_on_a_task_without_assignees_or_on_the_project_notifies_nobody()
    {
        var team = await silo.CreateTeamAsync();
        var unassigned = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            await silo.CommentOnProjectAsync(team.Member.AccessToken, team.ProjectId, "for everyone");
            await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, unassigned, "for nobody");
        });

        Assert.Empty(await silo.RecipientsAsync(team.ProjectId, CommentOnAssignedTask));
    }

    [Fact]
    public async Task Editing_or_starring_a_comment_notifies_nobody()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Viewer.UserId) });
        var comment = (await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, task.Id(), "original")).Id();

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            await silo.EditCommentAsync(team.Member.AccessToken, team.ProjectId, comment, "edited");
            await silo.StarAsync(team.Admin.AccessToken, team.ProjectId, comment);
        });

        Assert.Equal([team.Viewer.UserId], await silo.RecipientsAsync(team.ProjectId, CommentOnAssignedTask));
    }

    [Fact]
    public async Task An_assignee_who_turned_the_type_off_in_app_is_not_notified()
    {
        var team = await silo.CreateTeamAsync();
        await silo.PatchSettingsAsync(team.Admin.AccessToken, Json(new JsonObject { [CommentOnAssignedTask] = new JsonObject { ["in_app"] = false } }));
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Admin.UserId, team.Viewer.UserId),
        });

        await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, task.Id(), "hello");

        Assert.Equal([team.Viewer.UserId], await silo.RecipientsAsync(team.ProjectId, CommentOnAssignedTask));
    }
}
