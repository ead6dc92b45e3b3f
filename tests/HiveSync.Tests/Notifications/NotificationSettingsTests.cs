using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary><c>/notifications/settings</c>: both channels of every type on by default, merged per channel, and <c>in_app</c> off stops that type.</summary>
public sealed class NotificationSettingsTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>The stored row of one type as <c>[in_app, email]</c>, or null when the user never changed it.</summary>
    private async Task<string?> StoredAsync(long userId, string type)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<string?>(
            "SELECT json_build_array(in_app, email)::text FROM notification_settings WHERE user_id = @userId AND event_type = @type", new { userId, type });
    }

    [Fact]
    public async Task Every_type_has_both_channels_on_by_default()
    {
        var user = await silo.RegisterAsync();

        var settings = await silo.SettingsAsync(user.AccessToken);

        Assert.All(EventTypes, type => Assert.Equal((true, true), settings.Channels(type)));
    }

    [Fact]
    public async Task Patching_one_channel_keeps_the_other_and_the_other_types_and_answers_the_whole_settings()
    {
        var user = await silo.RegisterAsync();

        var afterEmail = await silo.PatchSettingsAsync(user.AccessToken, """{"task.assigned":{"email":false}}""");
        var afterInApp = await silo.PatchSettingsAsync(user.AccessToken, """{"task.assigned":{"in_app":false},"project.role_changed":{"email":false}}""");
        var afterBack = await silo.PatchSettingsAsync(user.AccessToken, """{"task.assigned":{"email":true}}""");

        Assert.Equal((true, false), afterEmail.Channels(TaskAssigned));
        Assert.Equal((false, false), afterInApp.Channels(TaskAssigned));
        Assert.Equal((true, false), afterInApp.Channels(RoleChanged));
        Assert.Equal((false, true), afterBack.Channels(TaskAssigned));
        Assert.Equal((true, false), afterBack.Channels(RoleChanged));
        foreach (var type in EventTypes.Except([TaskAssigned, RoleChanged]))
        {
            Assert.Equal((true, true), afterBack.Channels(type));
        }

        Assert.Equal(afterBack.ToJsonString(), (await silo.SettingsAsync(user.AccessToken)).ToJsonString());
        Assert.Equal("[false, true]", await StoredAsync(user.UserId, TaskAssigned));
    }

    [Fact]
    public async Task Settings_are_per_user()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.RegisterAsync();

        await silo.PatchSettingsAsync(user.AccessToken, """{"task.blocker_done":{"in_app":false,"email":false}}""");

        Assert.Equal((false, false), (await silo.SettingsAsync(user.AccessToken)).Channels(BlockerDone));
        Assert.Equal((true, true), (await silo.SettingsAsync(other.AccessToken)).Channels(BlockerDone));
    }

    [Theory]
    [InlineData("""{"task.unassigned":{"email":false}}""", "task.unassigned")]
    [InlineData("""{"task.assigned":{"sms":false}}""", "task.assigned.sms")]
    [InlineData("""{"task.assigned":{"email":"no"}}""", "task.assigned.email")]
    [InlineData("""{"task.assigned":{"in_app":null}}""", "task.assigned.in_app")]
    [InlineData("""{"task.assigned":{"in_app":0}}""", "task.assigned.in_app")]
    [InlineData("""{"task.assigned":{"email":false},"project.role_changed":{"in_app":"off"}}""", "project.role_changed.in_app")]
    [InlineData("""{"project.role_changed":{"in_app":false},"nope":{"email":false}}""", "nope")]
    public async Task A_bad_patch_is_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var user = await silo.RegisterAsync();
        await silo.PatchSettingsAsync(user.AccessToken, """{"comment.mentioned":{"email":false}}""");
        var before = await silo.SettingsAsync(user.AccessToken);

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.PatchSettingsResponseAsync(user.AccessToken, body);
            await response.AssertValidationErrorAsync(field);
        });
        Assert.Equal(before.ToJsonString(), (await silo.SettingsAsync(user.AccessToken)).ToJsonString());
    }

    [Fact]
    public async Task Turning_in_app_off_for_task_assigned_stops_those_notifications_while_other_types_still_come()
    {
        var team = await silo.CreateTeamAsync();
        await silo.PatchSettingsAsync(team.Member.AccessToken, """{"task.assigned":{"in_app":false}}""");

        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject
        {
            ["assignee_ids"] = new JsonArray(team.Member.UserId, team.Viewer.UserId),
        });
        var later = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        await silo.PatchTaskAsync(team.Admin.AccessToken, team.ProjectId, later.Id(), Json(new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) }));
        await silo.ChangeRoleAsync(team.Owner.AccessToken, team.ProjectId, team.Member.UserId, "admin");
        var blocker = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);
        await silo.AddDependencyAsync(team.Owner.AccessToken, team.ProjectId, task.Id(), blocker.Id());
        await silo.PatchTaskAsync(team.Owner.AccessToken, team.ProjectId, blocker.Id(), """{"status":"done"}""");

        await silo.AssertNoNotificationOfTypeAsync(team.Member.AccessToken, TaskAssigned);
        await silo.SingleNotificationAsync(team.Member.AccessToken, RoleChanged);
        await silo.SingleNotificationAsync(team.Member.AccessToken, BlockerDone);
        await silo.SingleNotificationAsync(team.Member.AccessToken, MemberAdded);
        Assert.Equal(task.Id(), (await silo.SingleNotificationAsync(team.Viewer.AccessToken, TaskAssigned))["task_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Turning_only_email_off_keeps_the_in_app_notifications()
    {
        var team = await silo.CreateTeamAsync();
        await silo.PatchSettingsAsync(team.Member.AccessToken, """{"task.assigned":{"email":false}}""");

        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });

        Assert.Equal(task.Id(), (await silo.SingleNotificationAsync(team.Member.AccessToken, TaskAssigned))["task_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Turning_in_app_back_on_lets_new_ones_through_again()
    {
        var team = await silo.CreateTeamAsync();
        await silo.PatchSettingsAsync(team.Member.AccessToken, """{"task.assigned":{"in_app":false}}""");
        await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });

        await silo.PatchSettingsAsync(team.Member.AccessToken, """{"task.assigned":{"in_app":true}}""");
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, fields: new JsonObject { ["assignee_ids"] = new JsonArray(team.Member.UserId) });

        Assert.Equal(task.Id(), (await silo.SingleNotificationAsync(team.Member.AccessToken, TaskAssigned))["task_id"]!.GetValue<long>());
    }
}
