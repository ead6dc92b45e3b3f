using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>Requests and database look-ups of the notification tests, over HTTP and SQL (and the digests' reminder tick, run at once).</summary>
public static class NotificationsTestKit
{
    public const string NotificationsPath = "/api/v1/notifications";
    public const string UnreadCountPath = NotificationsPath + "/unread-count";
    public const string MarkReadPath = NotificationsPath + "/mark-read";
    public const string MarkAllReadPath = NotificationsPath + "/mark-all-read";
    public const string SettingsPath = NotificationsPath + "/settings";

    public const string MemberAdded = "project.member_added";
    public const string RoleChanged = "project.role_changed";
    public const string TaskAssigned = "task.assigned";
    public const string BlockerDone = "task.blocker_done";

    /// <summary>Every event type of docs/api.md's table: each is a row of the settings.</summary>
    public static readonly string[] EventTypes =
        [MemberAdded, RoleChanged, TaskAssigned, BlockerDone, "comment.mentioned", "comment.on_assigned_task"];

    public static readonly string[] NotificationKeys =
        ["id", "type", "actor_id", "project_id", "task_id", "comment_id", "data", "read", "created_at", "read_at"];

    // ---- events ----

    /// <summary>
    /// A new account with <paramref name="count"/> unread notifications, each caused by <c>Actor</c> in <c>ProjectId</c>:
    /// invited to the project (the oldest), then assigned new tasks titled "Task 1" .. "Task {count - 1}" in that order.
    /// </summary>
    public static async Task<(SignedIn Recipient, SignedIn Actor, long ProjectId)> NotifiedAccountAsync(this TestSilo silo, int count)
    {
        var (actor, projectId) = await silo.OwnProjectAsync();
        var recipient = await silo.AddMemberAsync(actor.AccessToken, projectId, "member");
        for (var i = 1; i < count; i++)
        {
            await silo.CreateTaskAsync(actor.AccessToken, projectId, $"Task {i}", new JsonObject { ["assignee_ids"] = new JsonArray(recipient.UserId) });
        }

        return (recipient, actor, projectId);
    }

    // ---- list and count ----

    public static Task<HttpResponseMessage> ListNotificationsResponseAsync(this TestSilo silo, string token, string query = "") =>
        silo.GetAsync(query.Length == 0 ? NotificationsPath : NotificationsPath + "?" + query, token);

    /// <summary>Lists the caller's notifications (asserting 200, the list shape and every item's shape); <paramref name="query"/> without the <c>?</c>.</summary>
    public static async Task<JsonNode> ListNotificationsAsync(this TestSilo silo, string token, string query = "")
    {
        using var response = await silo.ListNotificationsResponseAsync(token, query);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertNotificationShape(item);
        }

        return list;
    }

    /// <summary>The caller's notifications of one type (all of them: the page is the largest a free account may ask for).</summary>
    public static async Task<IReadOnlyList<JsonNode>> NotificationsOfTypeAsync(this TestSilo silo, string token, string type)
    {
        var list = await silo.ListNotificationsAsync(token, "page_size=100");
        return list["items"]!.AsArray().Select(i => i!).Where(i => i["type"]!.GetValue<string>() == type).ToList();
    }

    /// <summary>Asserts that the caller has exactly one notification of <paramref name="type"/> and returns it.</summary>
    public static async Task<JsonNode> SingleNotificationAsync(this TestSilo silo, string token, string type)
    {
        var found = await silo.NotificationsOfTypeAsync(token, type);
        Assert.True(found.Count == 1, $"expected one {type} notification, got {found.Count}: [{string.Join(", ", found.Select(n => n.ToJsonString()))}]");
        return found[0];
    }

    public static async Task AssertNoNotificationOfTypeAsync(this TestSilo silo, string token, string type)
    {
        var found = await silo.NotificationsOfTypeAsync(token, type);
        Assert.True(found.Count == 0, $"expected no {type} notification, got: [{string.Join(", ", found.Select(n => n.ToJsonString()))}]");
    }

    public static void AssertNotificationShape(JsonNode? notification)
    {
        AssertExactKeys(notification, NotificationKeys);
        Assert.IsType<JsonObject>(notification!["data"]);
        AssertUtcTimestamp(notification["created_at"]);
        var read = notification["read"]!.GetValue<bool>();
        if (read)
        {
            AssertUtcTimestamp(notification["read_at"]);
        }
        else
        {
            Assert.Null(notification["read_at"]);
        }
    }

    /// <summary>Asserts a fresh (unread, comment-less) notification of <paramref name="type"/> with exactly <paramref name="data"/>.</summary>
    public static void AssertNotification(JsonNode notification, string type, long actorId, long projectId, long? taskId, JsonObject data)
    {
        AssertNotificationShape(notification);
        Assert.Equal(type, notification["type"]!.GetValue<string>());
        Assert.Equal(actorId, notification["actor_id"]!.GetValue<long>());
        Assert.Equal(projectId, notification["project_id"]!.GetValue<long>());
        Assert.Equal(taskId, notification["task_id"]?.GetValue<long>());
        Assert.Null(notification["comment_id"]);
        Assert.False(notification["read"]!.GetValue<bool>());
        Assert.Equal(Sorted(data).ToJsonString(), Sorted(notification["data"]!.AsObject()).ToJsonString());
    }

    private static JsonObject Sorted(JsonObject node) =>
        new(node.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    public static IReadOnlyList<long> NotificationIds(this JsonNode list) =>
        list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()).ToList();

    public static async Task<long> UnreadCountAsync(this TestSilo silo, string token)
    {
        using var response = await silo.GetAsync(UnreadCountPath, token);
        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], "unread");
        return body["data"]!["unread"]!.GetValue<long>();
    }

    // ---- marking read ----

    public static Task<HttpResponseMessage> MarkReadResponseAsync(this TestSilo silo, string token, IEnumerable<long> ids) =>
        silo.PostAsync(token, MarkReadPath, Json(new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()) }));

    /// <summary>Marks <paramref name="ids"/> read (asserting 200 and <c>{ data: { marked } }</c>) and returns <c>marked</c>.</summary>
    public static async Task<long> MarkReadAsync(this TestSilo silo, string token, IEnumerable<long> ids)
    {
        using var response = await silo.MarkReadResponseAsync(token, ids);
        return await MarkedAsync(response);
    }

    public static async Task<long> MarkAllReadAsync(this TestSilo silo, string token)
    {
        using var response = await silo.PostAsync(token, MarkAllReadPath);
        return await MarkedAsync(response);
    }

    private static async Task<long> MarkedAsync(HttpResponseMessage response)
    {
        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], "marked");
        return body["data"]!["marked"]!.GetValue<long>();
    }

    // ---- settings ----

    public static async Task<JsonObject> SettingsAsync(this TestSilo silo, string token)
    {
        using var response = await silo.GetAsync(SettingsPath, token);
        return AssertSettings(await response.AssertOkJsonAsync());
    }

    public static Task<HttpResponseMessage> PatchSettingsResponseAsync(this TestSilo silo, string token, string json) =>
        silo.SendAsync(HttpMethod.Patch, SettingsPath, json, token: token);

    /// <summary>Patches the settings (asserting 200 and the whole settings' shape) and returns the answer's <c>data</c>.</summary>
    public static async Task<JsonObject> PatchSettingsAsync(this TestSilo silo, string token, string json)
    {
        using var response = await silo.PatchSettingsResponseAsync(token, json);
        return AssertSettings(await response.AssertOkJsonAsync());
    }

    /// <summary>Asserts <c>{ data: { "&lt;type&gt;": { in_app, email } } }</c> for exactly every event type, booleans only.</summary>
    public static JsonObject AssertSettings(JsonNode body)
    {
        AssertExactKeys(body, "data");
        var settings = body["data"]!.AsObject();
        AssertExactKeys(settings, EventTypes);
        foreach (var (_, channels) in settings)
        {
            AssertExactKeys(channels, "in_app", "email");
            _ = channels!["in_app"]!.GetValue<bool>();
            _ = channels["email"]!.GetValue<bool>();
        }

        return settings;
    }

    /// <summary>One type's channels as <c>(in_app, email)</c>.</summary>
    public static (bool InApp, bool Email) Channels(this JsonObject settings, string type) =>
        (settings[type]!["in_app"]!.GetValue<bool>(), settings[type]!["email"]!.GetValue<bool>());

    // ---- database ----

    /// <summary><c>notifications</c> and <c>notification_settings</c>.</summary>
    public static readonly SnapshotTable[] NotificationTables = [new("notifications", "x.id"), new("notification_settings", "x.user_id, x.event_type")];

    public static Task<string> NotificationTablesSnapshotAsync(this TestSilo silo) => silo.SnapshotAsync(NotificationTables);

    /// <summary>Runs <paramref name="request"/> and asserts that the notification tables are exactly as before it.</summary>
    public static Task AssertNotificationsUnchangedAsync(this TestSilo silo, Func<Task> request) => silo.AssertUnchangedAsync(NotificationTables, request);

    /// <summary>
    /// The users (ordered) that in-app notifications of <paramref name="type"/> about <paramref name="projectId"/> were
    /// written for, one entry per row (rows kept only for an email are not shown in the app: left out).
    /// </summary>
    public static async Task<IReadOnlyList<long>> RecipientsAsync(this TestSilo silo, long projectId, string type)
    {
        await using var db = await silo.OpenDatabaseAsync();
        var users = await db.QueryAsync<long>(
            "SELECT user_id FROM notifications WHERE project_id = @projectId AND type = @type AND shown ORDER BY user_id", new { projectId, type });
        return users.AsList();
    }

    /// <summary>Makes the user's open digest due now (unless <paramref name="makeDue"/> is false) and runs the digests' reminder tick at once.</summary>
    public static async Task SendDueDigestsAsync(this TestSilo silo, long userId, bool makeDue = true)
    {
        if (makeDue)
        {
            await using var db = await silo.OpenDatabaseAsync();
            await db.ExecuteAsync("UPDATE notification_digests SET next_attempt_at = now() WHERE user_id = @userId AND processed_at IS NULL", new { userId });
        }

        await silo.Service<IGrainFactory>().GetGrain<INotificationDigestRetryGrain>(0).RetryDue();
    }

    public static async Task<long> UnreadRowsAsync(this TestSilo silo, long userId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM notifications WHERE user_id = @userId AND read_at IS NULL", new { userId });
    }
}
