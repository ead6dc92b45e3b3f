using System.Text.Json.Nodes;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>The team's events: being invited and having one's role changed each notify that member once, never the actor.</summary>
public sealed class ProjectNotificationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Theory]
    [InlineData("admin", "admin")]
    [InlineData("viewer", "viewer")]
    [InlineData(null, "member")]
    public async Task An_invite_notifies_the_invited_account_once_with_the_project_and_the_role(string? asked, string role)
    {
        var (owner, projectId) = await silo.OwnProjectAsync("INV");
        var project = await silo.GetProjectAsync(owner.AccessToken, projectId);
        var invited = await silo.RegisterAsync();

        await silo.InviteAsync(owner.AccessToken, projectId, invited.Email, asked);

        var notification = await silo.SingleNotificationAsync(invited.AccessToken, MemberAdded);
        AssertNotification(notification, MemberAdded, owner.UserId, projectId, taskId: null, new JsonObject
        {
            ["project_name"] = project["name"]!.GetValue<string>(),
            ["project_key"] = "INV",
            ["role"] = role,
        });
        Assert.Equal([invited.UserId], await silo.RecipientsAsync(projectId, MemberAdded));
        Assert.Empty((await silo.ListNotificationsAsync(owner.AccessToken))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_role_change_notifies_that_member_once_with_the_new_and_the_previous_role()
    {
        var team = await silo.CreateTeamAsync();
        var project = await silo.GetProjectAsync(team.Owner.AccessToken, team.ProjectId);

        await silo.ChangeRoleAsync(team.Admin.AccessToken, team.ProjectId, team.Member.UserId, "viewer");

        var notification = await silo.SingleNotificationAsync(team.Member.AccessToken, RoleChanged);
        AssertNotification(notification, RoleChanged, team.Admin.UserId, team.ProjectId, taskId: null, new JsonObject
        {
            ["project_name"] = project["name"]!.GetValue<string>(),
            ["project_key"] = project["key"]!.GetValue<string>(),
            ["role"] = "viewer",
            ["previous_role"] = "member",
        });
        Assert.Equal([team.Member.UserId], await silo.RecipientsAsync(team.ProjectId, RoleChanged));
    }

    [Fact]
    public async Task Each_role_change_is_a_notification_of_its_own()
    {
        var team = await silo.CreateTeamAsync();

        await silo.ChangeRoleAsync(team.Owner.AccessToken, team.ProjectId, team.Viewer.UserId, "member");
        await silo.ChangeRoleAsync(team.Owner.AccessToken, team.ProjectId, team.Viewer.UserId, "admin");

        var changes = await silo.NotificationsOfTypeAsync(team.Viewer.AccessToken, RoleChanged);
        Assert.Equal(
            ["member>admin", "viewer>member"],
            changes.Select(n => n["data"]!["previous_role"]!.GetValue<string>() + ">" + n["data"]!["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_owner_who_changes_their_own_role_is_not_notified()
    {
        var team = await silo.CreateTeamAsync();
        await silo.ChangeRoleAsync(team.Owner.AccessToken, team.ProjectId, team.Admin.UserId, "owner");

        await silo.ChangeRoleAsync(team.Owner.AccessToken, team.ProjectId, team.Owner.UserId, "admin");

        await silo.AssertNoNotificationOfTypeAsync(team.Owner.AccessToken, RoleChanged);
        Assert.Equal([team.Admin.UserId], await silo.RecipientsAsync(team.ProjectId, RoleChanged));
    }
}
