using System.Net;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using Microsoft.Extensions.Logging;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Notifications.NotificationsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>Short heartbeats, so a test sees them (and a revoked session's end) quickly; two streams a user; the access log on.</summary>
public sealed class StreamSilo : TestSilo
{
    public const int MaxStreams = 2;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Notifications:Stream:HeartbeatInterval", "00:00:00.300"),
        new("Notifications:Stream:MaxStreamsPerUser", MaxStreams.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Notifications:Stream:BatchSize", "2"),
        new("Tiers:Free:MembersPerProject", "25"),
        new("Logging:LogLevel:HiveSync.WebApi.Platform.RequestIdMiddleware", "Information"), // the access log's answers
    ];
}

/// <summary>
/// <c>GET /api/v1/notifications/stream</c> on one silo: events as notifications are created, resumption with
/// Last-Event-ID, heartbeats, the session's end, the per-user bound, and the same auth as every route.
/// </summary>
public sealed class NotificationStreamTests(StreamSilo silo) : IClassFixture<StreamSilo>
{
    /// <summary>A member of the owner's project; each role change the owner makes notifies them once.</summary>
    private async Task<(SignedIn Owner, SignedIn Member, long ProjectId)> TeamOfTwoAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        return (owner, member, projectId);
    }

    private async Task ChangeRoleAsync(SignedIn owner, long projectId, SignedIn member, string role)
    {
        using var response = await silo.ChangeRoleResponseAsync(owner.AccessToken, projectId, member.UserId, role);
        await response.AssertOkJsonAsync();
    }

    [Fact]
    public async Task A_new_notification_arrives_as_an_event_whose_id_is_the_notification_id()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync();
        await using var stream = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken);
        await stream.NextAsync("ready");

        await ChangeRoleAsync(owner, projectId, member, "viewer");

        var notification = await stream.NextNotificationAsync();
        AssertNotificationShape(notification);
        Assert.Equal(RoleChanged, notification["type"]!.GetValue<string>());
        Assert.Equal("viewer", notification["data"]!["role"]!.GetValue<string>());
        var listed = await silo.ListNotificationsAsync(member.AccessToken);
        Assert.Equal(listed.NotificationIds()[0], notification["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_stream_without_Last_Event_ID_starts_now_and_its_ready_event_is_where_a_reconnect_resumes()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync(); // "added to the project": before the stream
        long start;
        await using (var first = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken))
        {
            var ready = await first.NextAsync("ready");
            start = long.Parse(ready.EventId!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((await silo.ListNotificationsAsync(member.AccessToken)).NotificationIds()[0], start);
        }

        await ChangeRoleAsync(owner, projectId, member, "viewer");
        await using var second = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken, start.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("viewer", (await second.NextNotificationAsync())["data"]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reconnect_with_Last_Event_ID_gets_exactly_what_came_after_in_order_with_no_gap_and_no_duplicate()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync();
        string seen;
        await using (var stream = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken))
        {
            await stream.NextAsync("ready");
            await ChangeRoleAsync(owner, projectId, member, "viewer");
            seen = (await stream.NextAsync()).EventId!;
        }

        // Five while disconnected: more than one batch (two), so the resume reads on until it has caught up.
        string[] roles = ["admin", "member", "viewer", "admin", "member"];
        foreach (var role in roles)
        {
            await ChangeRoleAsync(owner, projectId, member, role);
        }

        await using var resumed = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken, seen);
        var received = new List<string>();
        foreach (var _ in roles)
        {
            received.Add((await resumed.NextNotificationAsync())["data"]!["role"]!.GetValue<string>());
        }

        Assert.Equal(roles, received);
        await resumed.NextAsync("heartbeat");
        Assert.DoesNotContain(resumed.Pending(), e => e.EventType == "notification");
    }

    [Fact]
    public async Task An_idle_stream_sends_heartbeats()
    {
        var user = await silo.RegisterAsync();
        await using var stream = await NotificationStreamClient.OpenAsync(silo.Http, user.AccessToken);

        await stream.NextAsync("heartbeat");
        await stream.NextAsync("heartbeat");
        Assert.False(stream.Ended);
    }

    [Fact]
    public async Task Signing_out_ends_the_sessions_stream_and_nothing_more_is_sent_on_it()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync();
        await using var stream = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken);
        await stream.NextAsync("ready");

        using (var logout = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: member.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.True(await stream.EndsWithinAsync(TimeSpan.FromSeconds(15)), "the revoked session's stream is still open");
        await ChangeRoleAsync(owner, projectId, member, "viewer");
        Assert.DoesNotContain(stream.Pending(), e => e.EventType == "notification");
    }

    [Fact]
    public async Task A_user_has_a_bounded_number_of_streams_and_a_newer_one_ends_the_oldest()
    {
        var (owner, member, projectId) = await TeamOfTwoAsync();
        var login = await silo.LoginAsync(member.Email, Password);
        await using var oldest = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken);
        await oldest.NextAsync("heartbeat");
        await using var middle = await NotificationStreamClient.OpenAsync(silo.Http, login.AccessToken);
        await middle.NextAsync("heartbeat");

        await using var newest = await NotificationStreamClient.OpenAsync(silo.Http, member.AccessToken);
        await newest.NextAsync("heartbeat");

        Assert.True(await oldest.EndsWithinAsync(TimeSpan.FromSeconds(15)), $"more than {StreamSilo.MaxStreams} streams stayed open");
        await ChangeRoleAsync(owner, projectId, member, "viewer");
        await middle.NextNotificationAsync();
        await newest.NextNotificationAsync();
    }

    [Fact]
    public async Task A_browser_streams_with_its_session_cookie()
    {
        var (_, web) = await silo.SignInOnTheWebAsync();
        using var client = silo.CookielessClient();

        await using var stream = await NotificationStreamClient.OpenAsync(client, new TestRequest(HttpMethod.Get, NotificationStreamClient.Path) { Cookie = web.CookieHeader });

        await stream.NextAsync("ready");
    }

    [Fact]
    public async Task A_stream_open_for_seconds_is_not_logged_as_a_slow_answer()
    {
        var log = new CapturedLog();
        silo.Service<ILoggerFactory>().AddProvider(log);
        var user = await silo.RegisterAsync();
        await using (var stream = await NotificationStreamClient.OpenAsync(silo.Http, user.AccessToken))
        {
            for (var i = 0; i < 5; i++)
            {
                await stream.NextAsync("heartbeat"); // five heartbeats 300 ms apart: well over the one-second mark
            }

            using var logout = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: user.AccessToken);
            Assert.True(await stream.EndsWithinAsync(TimeSpan.FromSeconds(15)));
        }

        // A failure after it is logged at Information: once its line is there, the stream's would be too.
        using (var missing = await silo.GetAsync("/api/v1/no-such-route-" + Guid.NewGuid().ToString("N"), null))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        const string AccessLog = "HiveSync.WebApi.Platform.RequestIdMiddleware";
        Assert.True(await Eventually.HoldsAsync(() => log.Lines(AccessLog, LogLevel.Information).Any(l => l.Contains("/api/v1/no-such-route-", StringComparison.Ordinal))));
        Assert.DoesNotContain(log.Lines(AccessLog, LogLevel.Information), l => l.Contains(NotificationStreamClient.Path, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task A_Last_Event_ID_that_is_not_an_event_id_is_400(string lastEventId)
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(NotificationStreamClient.Request(user.AccessToken, lastEventId));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Without_credentials_the_stream_is_401_in_the_envelope()
    {
        using var response = await silo.SendAsync(NotificationStreamClient.Request(null));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
    }
}
