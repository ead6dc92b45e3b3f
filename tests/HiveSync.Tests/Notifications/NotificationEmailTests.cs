using System.Net;
using System.Text.Json;
using Dapper;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>Digests list at most three notifications, so a test sees the "and N more" line.</summary>
public sealed class DigestSilo : TestSilo
{
    public const int MaxListed = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Notifications:Email:MaxListed", MaxListed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Tiers:Free:MembersPerProject", "25"),
    ];
}

/// <summary>
/// Notification emails: the notifications of the types whose email channel is on go out batched, one digest per user
/// at a time and then at most one per window, leaving out what was read in the app and never to an unverified address.
/// </summary>
public sealed class NotificationEmailTests(DigestSilo silo) : IClassFixture<DigestSilo>
{
    private async Task<(SignedIn Owner, SignedIn Member, long ProjectId)> TeamOfTwoAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        return (owner, member, projectId);
    }

    private async Task ChangeRolesAsync(SignedIn owner, long projectId, SignedIn member, params string[] roles)
    {
        foreach (var role in roles)
        {
            using var response = await silo.ChangeRoleResponseAsync(owner.AccessToken, projectId, member.UserId, role);
            await response.AssertOkJsonAsync();
        }
    }

    private async Task<List<(string Subject, string Body)>> DigestsToAsync(string email)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return [.. await db.QueryAsync<(string, string)>("SELECT subject, text_body FROM email_outbox WHERE kind = 'notification_digest' AND to_address = @email ORDER BY id", new { email })];
    }

    private static int Lines(string body) => body.Split('\n').Count(l => l.StartsWith("- ", StringComparison.Ordinal));

    [Fact]
    public async Task A_burst_of_notifications_goes_out_as_one_email_and_the_next_waits_for_the_window()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync(); // "added" is the first notification
        await ChangeRolesAsync(owner, projectId, member, "viewer", "admin");

        await silo.SendDueDigestsAsync(member.UserId);

        var (subject, body) = Assert.Single(await DigestsToAsync(member.Email));
        Assert.Equal("HiveSync: 3 new notifications", subject);
        Assert.Equal(3, Lines(body));
        Assert.Contains("Your role in", body, StringComparison.Ordinal);
        Assert.Contains("/notifications", body, StringComparison.Ordinal);

        // One more right after: it waits for the window (15 minutes) instead of sending a second email now.
        await ChangeRolesAsync(owner, projectId, member, "member");
        await silo.SendDueDigestsAsync(member.UserId, makeDue: false);
        Assert.Single(await DigestsToAsync(member.Email));
        await using (var db = await silo.OpenDatabaseAsync())
        {
            var due = await db.ExecuteScalarAsync<DateTime>("SELECT next_attempt_at FROM notification_digests WHERE user_id = @id AND processed_at IS NULL", new { id = member.UserId });
            Assert.InRange(due - DateTime.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        }

        await silo.SendDueDigestsAsync(member.UserId);
        var second = (await DigestsToAsync(member.Email))[1];
        Assert.Equal(1, Lines(second.Body));
        Assert.StartsWith("HiveSync: Your role in", second.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_notifications_than_an_email_lists_are_counted_and_what_was_read_in_the_app_is_left_out()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync();
        await ChangeRolesAsync(owner, projectId, member, "viewer", "admin", "member", "viewer", "admin");
        var added = (await silo.NotificationsOfTypeAsync(member.AccessToken, MemberAdded)).Single()["id"]!.GetValue<long>();
        await silo.MarkReadAsync(member.AccessToken, [added]);

        await silo.SendDueDigestsAsync(member.UserId);

        var (subject, body) = Assert.Single(await DigestsToAsync(member.Email));
        Assert.Equal("HiveSync: 5 new notifications", subject);
        Assert.Equal(DigestSilo.MaxListed + 1, Lines(body));
        Assert.Contains("- and 2 more", body, StringComparison.Ordinal);
        Assert.DoesNotContain("You were added", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Everything_read_before_the_digest_sends_nothing()
    {
        var (_, member, _) = await TeamOfTwoAsync();
        await silo.MarkAllReadAsync(member.AccessToken);

        await silo.SendDueDigestsAsync(member.UserId);

        Assert.Empty(await DigestsToAsync(member.Email));
        await using var db = await silo.OpenDatabaseAsync();
        Assert.Equal("nothing", await db.ExecuteScalarAsync<string>("SELECT outcome FROM notification_digests WHERE user_id = @id", new { id = member.UserId }));
    }

    [Fact]
    public async Task Email_follows_each_types_email_channel_and_in_app_off_still_emails_without_showing()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync();
        await silo.MarkAllReadAsync(member.AccessToken);
        await silo.PatchSettingsAsync(member.AccessToken, """{"project.role_changed": {"in_app": false, "email": true}, "task.assigned": {"email": false}}""");

        await ChangeRolesAsync(owner, projectId, member, "viewer");
        await silo.CreateTaskAsync(owner.AccessToken, projectId, "Assigned", new System.Text.Json.Nodes.JsonObject { ["assignee_ids"] = new System.Text.Json.Nodes.JsonArray(member.UserId) });

        // In the app: the assignment only; the role change is not shown, counted or streamed.
        Assert.Equal([TaskAssigned], (await silo.ListNotificationsAsync(member.AccessToken, "unread=true"))["items"]!.AsArray().Select(n => n!["type"]!.GetValue<string>()));
        Assert.Equal(1, await silo.UnreadCountAsync(member.AccessToken));

        await silo.SendDueDigestsAsync(member.UserId);
        var (subject, body) = Assert.Single(await DigestsToAsync(member.Email));
        Assert.Equal(1, Lines(body));
        Assert.Contains("Your role in", subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unverified_address_is_never_sent_notification_emails()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var member = await silo.RegisterAsync();
        var username = "u" + Guid.NewGuid().ToString("N")[..12];
        using (var named = await silo.SendAsync(new TestRequest(HttpMethod.Patch, "/api/v1/profile") { Bearer = member.AccessToken, Body = JsonSerializer.Serialize(new { username }) }))
        {
            Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        }

        using (var invited = await silo.PostAsync(owner.AccessToken, InvitePath(projectId), JsonSerializer.Serialize(new { username })))
        {
            Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        }

        await silo.SendDueDigestsAsync(member.UserId);

        Assert.Empty(await DigestsToAsync(member.Email));
        await using var db = await silo.OpenDatabaseAsync();
        Assert.Equal("unverified", await db.ExecuteScalarAsync<string>("SELECT outcome FROM notification_digests WHERE user_id = @id", new { id = member.UserId }));
        Assert.Equal("skipped", await db.ExecuteScalarAsync<string>("SELECT email_state FROM notifications WHERE user_id = @id", new { id = member.UserId }));
    }
}
