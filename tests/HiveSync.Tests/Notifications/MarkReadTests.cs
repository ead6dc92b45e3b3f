using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary><c>POST /mark-read</c> and <c>/mark-all-read</c>: only ever the caller's own unread notifications, counted.</summary>
public sealed class MarkReadTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task Mark_read_marks_the_callers_ids_and_answers_how_many_were_unread()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(3);
        var ids = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds();

        Assert.Equal(2, await silo.MarkReadAsync(recipient.AccessToken, [ids[0], ids[2]]));

        var list = await silo.ListNotificationsAsync(recipient.AccessToken);
        Assert.Equal([true, false, true], list["items"]!.AsArray().Select(n => n!["read"]!.GetValue<bool>()));
        Assert.NotNull(list["items"]![0]!["read_at"]);
        Assert.Equal(1, await silo.UnreadRowsAsync(recipient.UserId));
        Assert.Equal(1, await silo.MarkReadAsync(recipient.AccessToken, ids)); // only the one still unread
    }

    [Fact]
    public async Task Marking_an_already_read_or_unknown_id_marks_nothing_and_is_no_error()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(1);
        var id = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds()[0];
        Assert.Equal(1, await silo.MarkReadAsync(recipient.AccessToken, [id]));

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            Assert.Equal(0, await silo.MarkReadAsync(recipient.AccessToken, [id]));
            Assert.Equal(0, await silo.MarkReadAsync(recipient.AccessToken, [id + 1_000_000, long.MaxValue]));
        });
    }

    [Fact]
    public async Task Another_users_ids_mark_nothing_and_their_notifications_stay_unread()
    {
        var (owner, _, _) = await silo.NotifiedAccountAsync(3);
        var (intruder, _, _) = await silo.NotifiedAccountAsync(1);
        var theirs = (await silo.ListNotificationsAsync(owner.AccessToken)).NotificationIds();

        await silo.AssertNotificationsUnchangedAsync(async () =>
            Assert.Equal(0, await silo.MarkReadAsync(intruder.AccessToken, theirs)));

        Assert.Equal(3, await silo.UnreadRowsAsync(owner.UserId));
        Assert.Equal(3, await silo.UnreadCountAsync(owner.AccessToken));

        var own = (await silo.ListNotificationsAsync(intruder.AccessToken)).NotificationIds();
        Assert.Equal(1, await silo.MarkReadAsync(intruder.AccessToken, [.. theirs, .. own]));
        Assert.Equal(3, await silo.UnreadRowsAsync(owner.UserId));
        Assert.Equal(0, await silo.UnreadRowsAsync(intruder.UserId));
    }

    [Fact]
    public async Task Up_to_500_ids_are_accepted()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(2);
        var ids = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds();
        var padded = ids.Concat(Enumerable.Range(1, 500 - ids.Count).Select(i => ids.Max() + 1_000_000 + i)).ToList();

        Assert.Equal(2, await silo.MarkReadAsync(recipient.AccessToken, padded));
    }

    [Theory]
    [InlineData("""{"ids":[]}""", "ids")]
    [InlineData("""{}""", "ids")]
    [InlineData("""{"ids":null}""", "ids")]
    [InlineData("""{"ids":"all"}""", "ids")]
    [InlineData("""{"ids":[1],"all":true}""", "all")]
    public async Task A_malformed_mark_read_is_400_naming_the_field_and_marks_nothing(string body, string field)
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(2);

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.PostAsync(recipient.AccessToken, MarkReadPath, body);
            await response.AssertValidationErrorAsync(field);
        });
    }

    [Fact]
    public async Task More_than_500_ids_is_400_naming_ids_and_marks_nothing()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(2);
        var ids = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds();
        var tooMany = ids.Concat(Enumerable.Range(1, 501 - ids.Count).Select(i => ids.Max() + 1_000_000 + i)).ToList();

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.MarkReadResponseAsync(recipient.AccessToken, tooMany);
            await response.AssertValidationErrorAsync("ids");
        });
        Assert.Equal(2, await silo.UnreadRowsAsync(recipient.UserId));
    }

    [Fact]
    public async Task Mark_all_read_marks_every_unread_notification_of_the_caller_only()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(4);
        var (bystander, _, _) = await silo.NotifiedAccountAsync(2);
        var newest = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds()[0];
        await silo.MarkReadAsync(recipient.AccessToken, [newest]);

        Assert.Equal(3, await silo.MarkAllReadAsync(recipient.AccessToken));

        Assert.Equal(0, await silo.UnreadRowsAsync(recipient.UserId));
        Assert.Empty((await silo.ListNotificationsAsync(recipient.AccessToken, "unread=true"))["items"]!.AsArray());
        Assert.Equal(4, (await silo.ListNotificationsAsync(recipient.AccessToken))["total"]!.GetValue<long>());
        Assert.Equal(2, await silo.UnreadRowsAsync(bystander.UserId));
        Assert.Equal(0, await silo.MarkAllReadAsync(recipient.AccessToken));
    }
}
