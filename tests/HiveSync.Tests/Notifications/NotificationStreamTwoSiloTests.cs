using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Notifications;

/// <summary>
/// The stream across two silo processes of one cluster: what an action on one silo causes reaches a stream held by the
/// other, a reconnect to the other silo resumes exactly, and signing out through one ends the stream on the other.
/// Heartbeats are a minute apart here, so every event and the stream's end can only have come from a signal.
/// </summary>
public sealed class NotificationStreamTwoSiloTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_stream_on_one_silo_gets_what_the_other_caused_resumes_on_either_and_ends_when_signed_out_on_the_other()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(NotificationStreamTwoSiloTests), processes: 2, new Dictionary<string, string>
        {
            ["Notifications:Stream:HeartbeatInterval"] = "00:01:00",
        });
        using var a = new HttpClient { BaseAddress = cluster.Processes[0].BaseAddress };
        using var b = new HttpClient { BaseAddress = cluster.Processes[1].BaseAddress };

        var owner = await b.RegisterAsync();
        var member = await a.RegisterAsync();
        await a.VerifyEmailAsync(cluster.Database, member.Email);
        var projectId = (await SendAsync(b, HttpMethod.Post, "/api/v1/projects", owner.AccessToken, new { name = "Relay" }))["data"]!["id"]!.GetValue<long>();

        // Held by silo A; the invitation is made through silo B.
        string lastSeen;
        await using (var onA = await NotificationStreamClient.OpenAsync(a, member.AccessToken))
        {
            await onA.NextAsync("ready", Soon);
            await SendAsync(b, HttpMethod.Post, $"/api/v1/projects/{projectId}/team/invite", owner.AccessToken, new { email = member.Email });
            var added = await onA.NextNotificationAsync(Soon);
            Assert.Equal("project.member_added", added["type"]!.GetValue<string>());
            lastSeen = added["id"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);
        }

        // While no stream is open, two role changes through silo A; the reconnect goes to silo B.
        await ChangeRoleAsync(a, owner, projectId, member.UserId, "viewer");
        await ChangeRoleAsync(a, owner, projectId, member.UserId, "admin");
        await using var onB = await NotificationStreamClient.OpenAsync(b, member.AccessToken, lastSeen);
        Assert.Equal("viewer", (await onB.NextNotificationAsync(Soon))["data"]!["role"]!.GetValue<string>());
        Assert.Equal("admin", (await onB.NextNotificationAsync(Soon))["data"]!["role"]!.GetValue<string>());

        // Signed out through silo A: the stream held by silo B ends.
        using (var logout = await a.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/logout") { Bearer = member.AccessToken }))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.True(await onB.EndsWithinAsync(Soon), "the stream of a session signed out on the other silo stayed open");
        Assert.DoesNotContain(onB.Pending(), e => e.EventType == "notification");
    }

    private static async Task ChangeRoleAsync(HttpClient client, SignedIn owner, long projectId, long userId, string role) =>
        await SendAsync(client, HttpMethod.Patch, $"/api/v1/projects/{projectId}/team/{userId}", owner.AccessToken, new { role });

    private static async Task<JsonNode> SendAsync(HttpClient client, HttpMethod method, string path, string token, object body)
    {
        using var response = await client.SendAsync(new TestRequest(method, path) { Bearer = token, Body = JsonSerializer.Serialize(body) });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
