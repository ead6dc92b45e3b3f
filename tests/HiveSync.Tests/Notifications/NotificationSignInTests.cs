using System.Net;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Notifications.NotificationsTestKit;

namespace HiveSync.Tests.Notifications;

/// <summary>Every notifications route needs sign-in: without a valid token it is 401 and nothing is read or changed.</summary>
public sealed class NotificationSignInTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    public static TheoryData<string, string, string?> Routes => new()
    {
        { "GET", NotificationsPath, null },
        { "GET", NotificationsPath + "?unread=true", null },
        { "GET", UnreadCountPath, null },
        { "POST", MarkReadPath, """{"ids":[1]}""" },
        { "POST", MarkAllReadPath, null },
        { "GET", SettingsPath, null },
        { "PATCH", SettingsPath, """{"task.assigned":{"in_app":false}}""" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_token_every_route_is_401_AUTH_REQUIRED_and_changes_nothing(string method, string path, string? body)
    {
        await silo.NotifiedAccountAsync(2);

        await silo.AssertNotificationsUnchangedAsync(async () =>
        {
            using var response = await silo.SendAsync(new TestRequest(new HttpMethod(method), path) { Body = body });
            await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
        });
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task With_a_token_that_is_not_one_every_route_is_401_AUTH_TOKEN_INVALID(string method, string path, string? body)
    {
        using var response = await silo.SendAsync(new TestRequest(new HttpMethod(method), path) { Body = body, Bearer = "not-a-token" });

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }
}
