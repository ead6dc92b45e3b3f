using System.Globalization;
using System.Text.Json;

namespace HiveSync.Bench.Seeding;

/// <summary>One collaboration scenario: what the report calls it and the requests it cycles over (see requests.lua).</summary>
public sealed record CollabScenario(string Name, string Label, IReadOnlyList<CollabRequest> Requests, bool Writes);

/// <summary>One request of a scenario; <see cref="Line"/> is its line in the scenario's data file.</summary>
public sealed record CollabRequest(string Method, string Path, string Token, string? Body)
{
    public string Line => $"{Method}\t{Path}\t{Token}\t{Body}";
}

/// <summary>
/// The requests of the collaboration scenarios against a <see cref="CollabTeam"/>, made by its members in turn:
/// reads first (they measure the project at the size just loaded), then the creates (which grow it).
/// </summary>
public static class CollabRequests
{
    private const int WritesPerScenario = 2000;
    private static readonly string[] Priorities = ["low", "medium", "high", "urgent"];

    public static IReadOnlyList<CollabScenario> For(CollabTeam team, IReadOnlyList<long> taskIds)
    {
        var project = $"/api/v1/projects/{team.ProjectId}";
        var labels = team.LabelIds;
        var members = team.Members;
        string Token(int i) => members[i % members.Count].AccessToken;
        string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
        var queries = BenchWords.Queries;

        string[] projectLists = ["/api/v1/projects", "/api/v1/projects?sort=name", "/api/v1/projects?q=bench", "/api/v1/projects?role=owner&sort=-created"];
        string[] taskLists =
        [
            $"{project}/tasks",
            $"{project}/tasks?status=in_progress&sort=-priority",
            $"{project}/tasks?labels={Text(labels[0])}&status=todo,in_review",
            $"{project}/tasks?labels={Text(labels[0])},{Text(labels[1])}",
            $"{project}/tasks?assignee={Text(members[1].Id)}&sort=due",
            $"{project}/tasks?q={Uri.EscapeDataString(queries[0])}&page_size=25",
            $"{project}/tasks?due_after=2026-02-01&due_before=2026-02-28",
            $"{project}/tasks?priority=urgent&sort=-updated",
            $"{project}/tasks?sort=title&page=20",
        ];
        var commentLists = taskIds.Take(members.Count * 4).Select(id => $"{project}/comments?entity_type=task&entity_id={Text(id)}")
            .Append($"{project}/comments?entity_type=project&entity_id={Text(team.ProjectId)}").ToList();
        var searchTasks = queries.Select(q => $"/api/v1/search/tasks?q={Uri.EscapeDataString(q)}").ToList();
        var searchComments = queries.Select(q => $"/api/v1/search/comments?q={Uri.EscapeDataString(q)}").ToList();

        var creates = Enumerable.Range(0, WritesPerScenario).Select(i => new CollabRequest("POST", $"{project}/tasks", Token(i), Json(new
        {
            title = $"Bench task {i}: {BenchWords.All[i % BenchWords.All.Count]} {BenchWords.All[(i * 7) % BenchWords.All.Count]}",
            description = "Created by the bench's task-create scenario",
            priority = Priorities[i % Priorities.Length],
            label_ids = new[] { labels[i % labels.Count] },
            assignee_ids = new[] { members[(i + 1) % members.Count].Id },
        }))).ToList();
        var comments = Enumerable.Range(0, WritesPerScenario).Select(i => new CollabRequest("POST", $"{project}/comments", Token(i), Json(new
        {
            entity_type = "task",
            entity_id = taskIds[i % taskIds.Count],
            body = $"Bench comment {i} about the {BenchWords.All[(i * 3) % BenchWords.All.Count]}",
        }))).ToList();

        List<CollabRequest> Gets(IEnumerable<string> paths) =>
            [.. paths.SelectMany(path => members.Select((_, m) => new CollabRequest("GET", path, Token(m), null)))];

        return
        [
            new("projects", "GET /api/v1/projects (list, filters, sorts)", Gets(projectLists), Writes: false),
            new("task-list", "GET /projects/{id}/tasks (filters, sorts, pages)", Gets(taskLists), Writes: false),
            new("comment-list", "GET /projects/{id}/comments (a task's, the project's)", [.. commentLists.Select((path, i) => new CollabRequest("GET", path, Token(i), null))], Writes: false),
            new("search-tasks", "GET /api/v1/search/tasks", Gets(searchTasks), Writes: false),
            new("search-comments", "GET /api/v1/search/comments", Gets(searchComments), Writes: false),
            new("task-create", "POST /projects/{id}/tasks", creates, Writes: true),
            new("comment-create", "POST /projects/{id}/comments", comments, Writes: true),
        ];
    }

    private static string Json(object body) => JsonSerializer.Serialize(body);
}
