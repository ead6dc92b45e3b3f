using System.Net;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>An invite beyond the tier's members per project is refused, and the account it named is not told it joined.</summary>
public sealed class RefusedInviteNotificationTests(ProjectLimitsSilo silo) : IClassFixture<ProjectLimitsSilo>
{
    [Fact]
    public async Task An_invite_refused_by_the_tier_limit_notifies_nobody()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        for (var i = 1; i < ProjectLimitsSilo.MembersPerProject; i++)
        {
            await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        }

        var refused = await silo.RegisterAsync();

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.InviteResponseAsync(owner.AccessToken, projectId, refused.Email, "member");
            await response.AssertErrorAsync(HttpStatusCode.Forbidden, "TIER_LIMIT_EXCEEDED");
        });
        Assert.Empty((await silo.ListNotificationsAsync(refused.AccessToken))["items"]!.AsArray());
        Assert.Equal(ProjectLimitsSilo.MembersPerProject - 1, (await silo.RecipientsAsync(projectId, MemberAdded)).Count);
    }
}
