using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Projects;

/// <summary>
/// The collaboration invariants hold however requests are spread over silos: a team never passes its tier's size,
/// two halves of a dependency cycle added at once never both land, and task numbers never repeat or skip.
/// </summary>
public sealed class ProjectsTwoSiloTests
{
    private const int TeamSize = 5;

    [Fact]
    public async Task Racing_invitations_dependencies_and_task_creations_through_two_silos_keep_every_invariant()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(ProjectsTwoSiloTests), processes: 2, new Dictionary<string, string>
        {
            ["Tiers:Free:MembersPerProject"] = TeamSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var first = new HttpClient { BaseAddress = cluster.Processes[0].BaseAddress };
        using var second = new HttpClient { BaseAddress = cluster.Processes[1].BaseAddress };
        HttpClient Via(int i) => i % 2 == 0 ? first : second;

        var owner = await first.RegisterAsync();
        var invitees = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Via(i).RegisterAsync()));
        await Task.WhenAll(invitees.Select((u, i) => Via(i).VerifyEmailAsync(cluster.Database, u.Email)));
        var projectId = (await SendAsync(first, HttpMethod.Post, "/api/v1/projects", owner.AccessToken, new { name = "Race" }, HttpStatusCode.Created))["data"]!["id"]!.GetValue<long>();
        var project = $"/api/v1/projects/{projectId}";

        // Ten invitations at once to a team of at most five (the owner counts): exactly four get in.
        var invited = await Task.WhenAll(invitees.Select((u, i) => Via(i).SendAsync(new TestRequest(HttpMethod.Post, $"{project}/team/invite")
        {
            Bearer = owner.AccessToken,
            Body = JsonSerializer.Serialize(new { email = u.Email }),
        })));
        Assert.Equal(TeamSize - 1, invited.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(10 - (TeamSize - 1), invited.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        var team = await SendAsync(second, HttpMethod.Get, $"{project}/team", owner.AccessToken, null, HttpStatusCode.OK);
        Assert.Equal(TeamSize, team["total"]!.GetValue<long>());

        // Thirty task creations at once: the numbers are exactly 1..30.
        var created = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => SendAsync(Via(i), HttpMethod.Post, $"{project}/tasks", owner.AccessToken, new { title = $"Task {i}" }, HttpStatusCode.Created)));
        var numbers = created.Select(c => c["data"]!["number"]!.GetValue<long>()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 30).Select(n => (long)n), numbers);
        var ids = created.Select(c => c["data"]!["id"]!.GetValue<long>()).ToList();

        // Ten pairs: A waits for B through one silo while B waits for A through the other. Exactly one of each pair lands.
        for (var pair = 0; pair < 10; pair++)
        {
            var (a, b) = (ids[2 * pair], ids[(2 * pair) + 1]);
            var answers = await Task.WhenAll(
                first.SendAsync(new TestRequest(HttpMethod.Post, $"{project}/tasks/{a}/depends-on/{b}") { Bearer = owner.AccessToken }),
                second.SendAsync(new TestRequest(HttpMethod.Post, $"{project}/tasks/{b}/depends-on/{a}") { Bearer = owner.AccessToken }));
            Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Conflict);
        }
    }

    private static async Task<JsonNode> SendAsync(HttpClient client, HttpMethod method, string path, string token, object? body, HttpStatusCode expected)
    {
        using var response = await client.SendAsync(new TestRequest(method, path) { Bearer = token, Body = body is null ? null : JsonSerializer.Serialize(body) });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {json.ToJsonString()}");
        return json;
    }
}
