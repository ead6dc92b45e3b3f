using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary><c>GET /notifications</c> and <c>/unread-count</c>: the caller's own, newest first, paged, optionally unread only.</summary>
public sealed class NotificationListTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private static List<string> Shown(JsonNode list) =>
        list["items"]!.AsArray().Select(n => n!["data"]!["task_title"]?.GetValue<string>() ?? n["type"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task The_list_is_the_callers_notifications_newest_first()
    {
        var (recipient, actor, _) = await silo.NotifiedAccountAsync(4);

        var list = await silo.ListNotificationsAsync(recipient.AccessToken);

        Assert.Equal(["Task 3", "Task 2", "Task 1", MemberAdded], Shown(list));
        var ids = list.NotificationIds();
        Assert.Equal(ids.OrderDescending(), ids);
        var created = list["items"]!.AsArray().Select(n => AssertUtcTimestamp(n!["created_at"])).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.Equal(4, list["total"]!.GetValue<long>());
        Assert.Equal(1, list["page"]!.GetValue<int>());
        Assert.Equal(20, list["page_size"]!.GetValue<int>());
        Assert.Empty((await silo.ListNotificationsAsync(actor.AccessToken))["items"]!.AsArray());
    }

    [Fact]
    public async Task Nobody_sees_anyone_elses_notifications()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(2);
        var (other, _, _) = await silo.NotifiedAccountAsync(3);

        var mine = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds();
        var theirs = (await silo.ListNotificationsAsync(other.AccessToken)).NotificationIds();

        Assert.Equal(2, mine.Count);
        Assert.Equal(3, theirs.Count);
        Assert.Empty(mine.Intersect(theirs));
        Assert.Equal(2, await silo.UnreadCountAsync(recipient.AccessToken));
    }

    [Fact]
    public async Task Unread_true_lists_only_the_unread_ones_and_counts_only_them()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(4);
        var all = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds();
        Assert.Equal(2, await silo.MarkReadAsync(recipient.AccessToken, [all[0], all[2]]));

        var unread = await silo.ListNotificationsAsync(recipient.AccessToken, "unread=true");
        var everything = await silo.ListNotificationsAsync(recipient.AccessToken, "unread=false");

        Assert.Equal([all[1], all[3]], unread.NotificationIds());
        Assert.Equal(2, unread["total"]!.GetValue<long>());
        Assert.All(unread["items"]!.AsArray(), n => Assert.False(n!["read"]!.GetValue<bool>()));
        Assert.Equal(all, everything.NotificationIds());
        Assert.Equal(4, everything["total"]!.GetValue<long>());
        Assert.Equal([true, false, true, false], everything["items"]!.AsArray().Select(n => n!["read"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Pages_split_the_list_and_each_carries_the_total()
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(5);
        var all = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds();

        var pages = new List<JsonNode>();
        for (var page = 1; page <= 4; page++)
        {
            pages.Add(await silo.ListNotificationsAsync(recipient.AccessToken, $"page={page}&page_size=2"));
        }

        Assert.Equal([all[0], all[1]], pages[0].NotificationIds());
        Assert.Equal([all[2], all[3]], pages[1].NotificationIds());
        Assert.Equal([all[4]], pages[2].NotificationIds());
        Assert.Empty(pages[3].NotificationIds());
        Assert.All(pages, p => Assert.Equal(5, p["total"]!.GetValue<long>()));
        Assert.All(pages, p => Assert.Equal(2, p["page_size"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3, 4], pages.Select(p => p["page"]!.GetValue<int>()));

        await silo.MarkReadAsync(recipient.AccessToken, [all[0]]);
        var unreadPage = await silo.ListNotificationsAsync(recipient.AccessToken, "unread=true&page=2&page_size=3");
        Assert.Equal([all[4]], unreadPage.NotificationIds());
        Assert.Equal(4, unreadPage["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("unread=yes", "unread")]
    [InlineData("unread=2", "unread")]
    [InlineData("page=0", "page")]
    [InlineData("page=first", "page")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page_size=101", "page_size")]
    public async Task A_bad_query_parameter_is_400_naming_it(string query, string parameter)
    {
        var (recipient, _, _) = await silo.NotifiedAccountAsync(1);

        using var response = await silo.ListNotificationsResponseAsync(recipient.AccessToken, query);

        await response.AssertValidationErrorAsync(parameter);
    }

    [Fact]
    public async Task Unread_count_follows_new_and_read_notifications()
    {
        var (recipient, actor, projectId) = await silo.NotifiedAccountAsync(3);
        Assert.Equal(3, await silo.UnreadCountAsync(recipient.AccessToken));

        var newest = (await silo.ListNotificationsAsync(recipient.AccessToken)).NotificationIds()[0];
        await silo.MarkReadAsync(recipient.AccessToken, [newest]);
        Assert.Equal(2, await silo.UnreadCountAsync(recipient.AccessToken));

        await silo.MarkAllReadAsync(recipient.AccessToken);
        Assert.Equal(0, await silo.UnreadCountAsync(recipient.AccessToken));

        await silo.ChangeRoleAsync(actor.AccessToken, projectId, recipient.UserId, "viewer");
        Assert.Equal(1, await silo.UnreadCountAsync(recipient.AccessToken));
        Assert.Equal(0, await silo.UnreadCountAsync(actor.AccessToken));
    }
}
