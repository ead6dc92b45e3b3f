using System.Diagnostics;
using System.Globalization;
using HiveSync.Bench.Platform;
using HiveSync.Bench.Seeding;

namespace HiveSync.Bench.Load;

/// <summary>
/// The collaboration scenarios, at each project size of <c>--tasks</c> in turn: the project is grown to the size,
/// the plans of one request of each kind are read (auto_explain), then each scenario is measured, reads before creates.
/// </summary>
public sealed partial class ScenarioRunner
{
    private const int CommentTargets = 1000;
    private const int ProbedPathsPerScenario = 12;

    public async Task CollabAsync(ServerProcess silo, CollabTeam team, QueryPlans plans, HttpClient http, CancellationToken ct)
    {
        var connectionString = servers.Settings!.ConnectionString;
        foreach (var size in options.TaskCounts)
        {
            Console.WriteLine($"Collaboration: growing the project to {size:N0} tasks");
            var loading = Stopwatch.StartNew();
            var (tasks, comments) = await CollabBulkLoad.GrowAsync(connectionString, team, size, ct);
            Console.WriteLine($"  {tasks:N0} tasks, {comments:N0} comments ({loading.Elapsed.TotalSeconds:0} s)");
            var taskIds = await CollabBulkLoad.SampleTaskIdsAsync(connectionString, team.ProjectId, CommentTargets, ct);
            var scenarios = CollabRequests.For(team, taskIds);
            var sizeText = string.Create(CultureInfo.InvariantCulture, $"{tasks:N0} tasks, {comments:N0} comments");

            var probes = scenarios
                .SelectMany(s => s.Requests.DistinctBy(r => r.Path).Take(s.Writes ? 1 : ProbedPathsPerScenario))
                .Select(r => ($"{r.Method} {r.Path.Replace($"/api/v1/projects/{team.ProjectId}", "/projects/{id}", StringComparison.Ordinal)}", (Func<Task>)(() => SendAsync(http, silo, r, ct))))
                .ToList();
            report.AddPlans(sizeText, await plans.CaptureAsync(probes, ct));

            foreach (var scenario in scenarios)
            {
                var file = data.WriteRequests(scenario.Name, scenario.Requests.Select(r => r.Line));
                await MeasureAsync("collab", $"{scenario.Label} at {sizeText}", [Run("requests", silo, "/", StandardConnections, file)], [silo], ct);
            }
        }
    }

    private static async Task SendAsync(HttpClient http, ServerProcess silo, CollabRequest request, CancellationToken ct)
    {
        var body = request.Body is null ? null : new StringContent(request.Body, System.Text.Encoding.UTF8, "application/json");
        using var response = await BenchApi.SendAsync(http, silo.BaseUrl, new HttpMethod(request.Method), request.Path, request.Token, body, ct);
    }
}
