using Dapper;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;

namespace HiveSync.Tests.Search;

/// <summary>Full-text search: English stemming, ranked, highlighted, and only ever over the caller's projects.</summary>
public sealed class SearchTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task Stemmed_words_find_projects_tasks_and_comments_of_the_callers_projects_with_marked_snippets()
    {
        var word = "zq" + Guid.NewGuid().ToString("N")[..6]; // a word no other test writes, so totals are exact
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken, $"Refactoring the telemetry exporters {word}", "Exporters <b>bold</b> move to OTLP");
        var projectId = project.Id();
        var task = await SendAsync(owner.AccessToken, HttpMethod.Post, $"/api/v1/projects/{projectId}/tasks", new { title = $"Refactor the exporter {word}", description = "and its tests" }, HttpStatusCode.Created);
        await SendAsync(owner.AccessToken, HttpMethod.Post, $"/api/v1/projects/{projectId}/comments", new { entity_type = "task", entity_id = task["data"]!.Id(), body = $"The exporters are refactored {word}" }, HttpStatusCode.Created);

        var projects = await SendAsync(owner.AccessToken, HttpMethod.Get, $"/api/v1/search/projects?q=refactor+exporter+{word}", null, HttpStatusCode.OK);
        var tasks = await SendAsync(owner.AccessToken, HttpMethod.Get, $"/api/v1/search/tasks?q=refactor+exporter+{word}&project_id={projectId}&status=todo", null, HttpStatusCode.OK);
        var comments = await SendAsync(owner.AccessToken, HttpMethod.Get, $"/api/v1/search/comments?q=exporter+{word}&entity_type=task", null, HttpStatusCode.OK);

        var projectHit = Assert.Single(projects["items"]!.AsArray())!;
        Assert.Equal(projectId, projectHit["id"]!.GetValue<long>());
        Assert.Equal(project["key"]!.GetValue<string>(), projectHit["key"]!.GetValue<string>());
        Assert.Contains("<mark>Refactoring</mark>", projectHit["snippet"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", projectHit["snippet"]!.GetValue<string>(), StringComparison.Ordinal); // user text is escaped
        var taskHit = Assert.Single(tasks["items"]!.AsArray())!;
        Assert.Equal($"{project["key"]!.GetValue<string>()}-1", taskHit["key"]!.GetValue<string>());
        Assert.Equal("todo", taskHit["status"]!.GetValue<string>());
        var commentHit = Assert.Single(comments["items"]!.AsArray())!;
        Assert.Equal("task", commentHit["entity_type"]!.GetValue<string>());
        Assert.True(commentHit["rank"]!.GetValue<double>() > 0);

        // Someone else finds none of it, and naming the project is a 404.
        var stranger = await silo.RegisterAsync();
        foreach (var kind in new[] { "projects", "tasks", "comments" })
        {
            var found = await SendAsync(stranger.AccessToken, HttpMethod.Get, $"/api/v1/search/{kind}?q={word}", null, HttpStatusCode.OK);
            Assert.Equal(0, found["total"]!.GetValue<long>());
        }

        using var named = await silo.SendAsync(new TestRequest(HttpMethod.Get, $"/api/v1/search/tasks?q={word}&project_id={projectId}") { Bearer = stranger.AccessToken });
        await named.AssertErrorAsync(HttpStatusCode.NotFound, "PROJECT_NOT_FOUND");
    }

    [Theory]
    [InlineData("the+and+of")]
    [InlineData("%21%21%21+%3F")]
    [InlineData("%22unclosed+or+-+%26+%7C")]
    public async Task A_query_of_stop_words_punctuation_or_stray_operators_answers_an_empty_page(string q)
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken, "The and of");

        var found = await SendAsync(user.AccessToken, HttpMethod.Get, $"/api/v1/search/projects?q={q}", null, HttpStatusCode.OK);

        Assert.Equal(0, found["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("/api/v1/search/projects", "q")]
    [InlineData("/api/v1/search/projects?q=", "q")]
    [InlineData("/api/v1/search/tasks?q=x&status=open", "status")]
    [InlineData("/api/v1/search/comments?q=x&entity_type=user", "entity_type")]
    [InlineData("/api/v1/search/tasks?q=x&project_id=abc", "project_id")]
    public async Task A_missing_query_or_a_bad_filter_is_a_validation_error_naming_it(string path, string field)
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Get, path) { Bearer = user.AccessToken });

        await response.AssertValidationErrorAsync(field);
    }

    [Fact]
    public async Task A_query_longer_than_200_characters_is_refused()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/search/tasks?q=" + new string('a', 201)) { Bearer = user.AccessToken });

        await response.AssertValidationErrorAsync("q");
    }

    [Fact]
    public async Task A_search_ranks_the_newest_thousand_matches_and_counts_at_most_those()
    {
        var word = "zw" + Guid.NewGuid().ToString("N")[..6];
        var owner = await silo.RegisterAsync();
        var projectId = (await silo.CreateProjectAsync(owner.AccessToken)).Id();
        var task = await SendAsync(owner.AccessToken, HttpMethod.Post, $"/api/v1/projects/{projectId}/tasks", new { title = "Busy task" }, HttpStatusCode.Created);
        var taskId = task["data"]!.Id();
        var oldBest = await SendAsync(owner.AccessToken, HttpMethod.Post, $"/api/v1/projects/{projectId}/comments",
            new { entity_type = "task", entity_id = taskId, body = $"{word} {word} {word} {word}" }, HttpStatusCode.Created);
        // 1 100 newer matches, each with the word once, written straight to the table (the API would take minutes).
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync(
                """
                INSERT INTO comments (project_id, entity_type, task_id, author_id, body, created_at, updated_at)
                SELECT @projectId, 'task', @taskId, @authorId, 'filler ' || n || ' ' || @word, now(), now() FROM generate_series(1, 1100) n
                """,
                new { projectId, taskId, authorId = owner.UserId, word });
        }

        var newBest = await SendAsync(owner.AccessToken, HttpMethod.Post, $"/api/v1/projects/{projectId}/comments",
            new { entity_type = "task", entity_id = taskId, body = $"{word} {word} {word}" }, HttpStatusCode.Created);

        var found = await SendAsync(owner.AccessToken, HttpMethod.Get, $"/api/v1/search/comments?q={word}&page_size=100", null, HttpStatusCode.OK);

        Assert.Equal(1000, found["total"]!.GetValue<long>());
        var ids = found["items"]!.AsArray().Select(hit => hit!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(newBest["data"]!.Id(), ids[0]); // best of the window
        Assert.DoesNotContain(oldBest["data"]!.Id(), ids); // the best of all is older than the window
        var last = await SendAsync(owner.AccessToken, HttpMethod.Get, $"/api/v1/search/comments?q={word}&page_size=100&page=10", null, HttpStatusCode.OK);
        Assert.Equal(100, last["items"]!.AsArray().Count);
        var beyond = await SendAsync(owner.AccessToken, HttpMethod.Get, $"/api/v1/search/comments?q={word}&page_size=100&page=11", null, HttpStatusCode.OK);
        Assert.Empty(beyond["items"]!.AsArray());
    }

    private async Task<JsonNode> SendAsync(string token, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var response = await silo.SendAsync(new TestRequest(method, path) { Bearer = token, Body = body is null ? null : JsonSerializer.Serialize(body) });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {json.ToJsonString()}");
        return json;
    }
}
