using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>How many rows each task table holds for one task (dependencies: in either direction).</summary>
public sealed record TaskRowCounts(long Tasks, long Labels, long Assignees, long Dependencies, long Activity, long Attachments);

/// <summary>Requests and database look-ups of the task tests, over HTTP and SQL only.</summary>
public static class TasksTestKit
{
    public static readonly string[] TaskKeys =
    [
        "id", "project_id", "number", "key", "title", "description", "status", "priority", "assignee_ids", "label_ids", "due_date",
        "depends_on", "open_blockers", "created_by", "created_at", "updated_at", "completed_at",
    ];

    public static readonly string[] BlockerKeys = ["id", "number", "key", "title", "status"];

    public static readonly string[] LabelKeys = ["id", "name", "color", "created_at"];

    public static readonly string[] ActivityKeys = ["id", "actor_id", "field", "old_value", "new_value", "occurred_at"];

    public static readonly string[] AttachmentKeys =
    [
        "id", "kind", "status", "name", "url", "content_type", "size", "sha256", "download_url", "download_expires_at", "created_by", "created_at",
        "completed_at", "upload",
    ];

    // ---- paths ----

    public static string TasksPath(long projectId) => ProjectPath(projectId) + "/tasks";

    public static string TaskPath(long projectId, long taskId) => TasksPath(projectId) + "/" + Text(taskId);

    public static string TaskNumberPath(long projectId, long number) => TasksPath(projectId) + "/number/" + Text(number);

    public static string LabelsPath(long projectId) => TasksPath(projectId) + "/labels";

    public static string LabelPath(long projectId, long labelId) => LabelsPath(projectId) + "/" + Text(labelId);

    public static string DependencyPath(long projectId, long taskId, long otherTaskId) => TaskPath(projectId, taskId) + "/depends-on/" + Text(otherTaskId);

    public static string ActivityPath(long projectId, long taskId) => TaskPath(projectId, taskId) + "/activity";

    public static string AttachmentsPath(long projectId, long taskId) => TaskPath(projectId, taskId) + "/attachments";

    public static string AttachmentPath(long projectId, long taskId, long attachmentId) => AttachmentsPath(projectId, taskId) + "/" + Text(attachmentId);

    public static string Date(int year, int month, int day) => new DateOnly(year, month, day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---- requests ----

    public static Task<HttpResponseMessage> PatchAsync(this TestSilo silo, string token, string path, string json) =>
        silo.SendAsync(HttpMethod.Patch, path, json, token: token);

    /// <summary>A new owner's new project with the given key (new accounts never clash on keys).</summary>
    public static async Task<(SignedIn Owner, long ProjectId)> OwnProjectAsync(this TestSilo silo, string key = "KEY")
    {
        var owner = await silo.RegisterAsync();
        return (owner, (await silo.CreateProjectAsync(owner.AccessToken, key: key)).Id());
    }

    // ---- tasks ----

    public static Task<HttpResponseMessage> CreateTaskResponseAsync(this TestSilo silo, string token, long projectId, string json) =>
        silo.PostAsync(token, TasksPath(projectId), json);

    /// <summary>Creates a task (asserting 201 and the exact task shape) and returns the answer's <c>data</c>.</summary>
    public static async Task<JsonNode> CreateTaskAsync(this TestSilo silo, string token, long projectId, string? title = null, JsonObject? fields = null)
    {
        var body = fields ?? [];
        body["title"] ??= title ?? "Task " + Guid.NewGuid().ToString("N")[..8];
        using var response = await silo.CreateTaskResponseAsync(token, projectId, Json(body));
        return AssertTask(await response.AssertOkJsonAsync(HttpStatusCode.Created));
    }

    /// <summary>Asserts <c>{ data: task }</c> with exactly the task's keys (and its blockers') and returns the task.</summary>
    public static JsonNode AssertTask(JsonNode body)
    {
        AssertExactKeys(body, "data");
        AssertTaskObject(body["data"]);
        return body["data"]!;
    }

    public static void AssertTaskObject(JsonNode? task)
    {
        AssertExactKeys(task, TaskKeys);
        foreach (var blocker in task!["open_blockers"]!.AsArray())
        {
            AssertExactKeys(blocker, BlockerKeys);
        }
    }

    public static Task<HttpResponseMessage> GetTaskResponseAsync(this TestSilo silo, string token, long projectId, long taskId) =>
        silo.GetAsync(TaskPath(projectId, taskId), token);

    public static async Task<JsonNode> GetTaskAsync(this TestSilo silo, string token, long projectId, long taskId)
    {
        using var response = await silo.GetTaskResponseAsync(token, projectId, taskId);
        return AssertTask(await response.AssertOkJsonAsync());
    }

    public static Task<HttpResponseMessage> PatchTaskResponseAsync(this TestSilo silo, string token, long projectId, long taskId, string json) =>
        silo.PatchAsync(token, TaskPath(projectId, taskId), json);

    public static async Task<JsonNode> PatchTaskAsync(this TestSilo silo, string token, long projectId, long taskId, string json)
    {
        using var response = await silo.PatchTaskResponseAsync(token, projectId, taskId, json);
        return AssertTask(await response.AssertOkJsonAsync());
    }

    public static Task<HttpResponseMessage> ListTasksResponseAsync(this TestSilo silo, string token, long projectId, string query) =>
        silo.GetAsync(query.Length == 0 ? TasksPath(projectId) : TasksPath(projectId) + "?" + query, token);

    /// <summary>Lists a project's tasks (asserting 200, the list shape and every task's shape); <paramref name="query"/> without the <c>?</c>.</summary>
    public static async Task<JsonNode> ListTasksAsync(this TestSilo silo, string token, long projectId, string query = "")
    {
        using var response = await silo.ListTasksResponseAsync(token, projectId, query);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertTaskObject(item);
        }

        return list;
    }

    public static IReadOnlyList<long> Numbers(this JsonNode list) =>
        list["items"]!.AsArray().Select(i => i!["number"]!.GetValue<long>()).ToList();

    public static IReadOnlyList<string> Titles(this JsonNode list) =>
        list["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).ToList();

    /// <summary>The numbers in a JSON array of ids (<c>assignee_ids</c>, <c>label_ids</c>, <c>depends_on</c>, <c>details.cycle</c>).</summary>
    public static IReadOnlyList<long> Longs(this JsonNode? array)
    {
        Assert.IsType<JsonArray>(array);
        return array.AsArray().Select(i => i!.GetValue<long>()).ToList();
    }

    public static IReadOnlyList<long> BlockerIds(this JsonNode task) =>
        task["open_blockers"]!.AsArray().Select(b => b!["id"]!.GetValue<long>()).ToList();

    public static async Task DeleteTaskAsync(this TestSilo silo, string token, long projectId, long taskId)
    {
        using var response = await silo.DeleteAsync(token, TaskPath(projectId, taskId));
        await response.AssertNoContentAsync();
    }

    /// <summary>
    /// Asserts 400 VALIDATION_ERROR whose details name <paramref name="field"/>, or an element of it (<c>assignee_ids[0]</c>:
    /// the platform names a wrongly typed element of a bound body by its JSON path).
    /// </summary>
    public static async Task<JsonNode> AssertFieldRefusedAsync(this HttpResponseMessage response, string field)
    {
        var error = await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var named = error["details"] is JsonObject details
            && details.Any(p => (p.Key == field || p.Key.StartsWith(field + "[", StringComparison.Ordinal)) && p.Value is JsonArray { Count: > 0 });
        Assert.True(named, $"details lack '{field}': {error.ToJsonString()}");
        return error;
    }

    public static Task<JsonNode> AssertTaskNotFoundAsync(this HttpResponseMessage response) =>
        response.AssertErrorAsync(HttpStatusCode.NotFound, "TASK_NOT_FOUND");

    // ---- labels ----

    public static Task<HttpResponseMessage> CreateLabelResponseAsync(this TestSilo silo, string token, long projectId, string name, string color = "#3366ff") =>
        silo.PostAsync(token, LabelsPath(projectId), Json(new JsonObject { ["name"] = name, ["color"] = color }));

    /// <summary>Creates a label (asserting 201 and the exact label shape) and returns it.</summary>
    public static async Task<JsonNode> CreateLabelAsync(this TestSilo silo, string token, long projectId, string name, string color = "#3366ff")
    {
        using var response = await silo.CreateLabelResponseAsync(token, projectId, name, color);
        var body = await response.AssertOkJsonAsync(HttpStatusCode.Created);
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], LabelKeys);
        return body["data"]!;
    }

    public static async Task<JsonNode> ListLabelsAsync(this TestSilo silo, string token, long projectId)
    {
        using var response = await silo.GetAsync(LabelsPath(projectId), token);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertExactKeys(item, LabelKeys);
        }

        return list;
    }

    // ---- dependencies ----

    public static Task<HttpResponseMessage> AddDependencyResponseAsync(this TestSilo silo, string token, long projectId, long taskId, long otherTaskId) =>
        silo.PostAsync(token, DependencyPath(projectId, taskId, otherTaskId));

    /// <summary>Makes <paramref name="taskId"/> wait for <paramref name="otherTaskId"/> (asserting 200) and returns the waiting task.</summary>
    public static async Task<JsonNode> AddDependencyAsync(this TestSilo silo, string token, long projectId, long taskId, long otherTaskId)
    {
        using var response = await silo.AddDependencyResponseAsync(token, projectId, taskId, otherTaskId);
        return AssertTask(await response.AssertOkJsonAsync());
    }

    // ---- activity ----

    public static async Task<JsonNode> ListActivityAsync(this TestSilo silo, string token, long projectId, long taskId, string query = "")
    {
        var path = ActivityPath(projectId, taskId);
        using var response = await silo.GetAsync(query.Length == 0 ? path : path + "?" + query, token);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertExactKeys(item, ActivityKeys);
        }

        return list;
    }

    // ---- links ----

    public static Task<HttpResponseMessage> AddLinkResponseAsync(this TestSilo silo, string token, long projectId, long taskId, string url, string? name = null)
    {
        var body = new JsonObject { ["url"] = url };
        if (name is not null)
        {
            body["name"] = name;
        }

        return silo.PostAsync(token, AttachmentsPath(projectId, taskId), Json(body));
    }

    /// <summary>Adds a link (asserting 201 and the exact attachment shape) and returns it.</summary>
    public static async Task<JsonNode> AddLinkAsync(this TestSilo silo, string token, long projectId, long taskId, string url, string? name = null)
    {
        using var response = await silo.AddLinkResponseAsync(token, projectId, taskId, url, name);
        var body = await response.AssertOkJsonAsync(HttpStatusCode.Created);
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], AttachmentKeys);
        return body["data"]!;
    }

    public static async Task<JsonNode> ListLinksAsync(this TestSilo silo, string token, long projectId, long taskId)
    {
        using var response = await silo.GetAsync(AttachmentsPath(projectId, taskId), token);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertExactKeys(item, AttachmentKeys);
        }

        return list;
    }

    // ---- database ----

    /// <summary>The project tables and the seven task tables.</summary>
    public static readonly SnapshotTable[] TaskTables =
    [
        .. ProjectTables,
        new("tasks", "x.id"), new("labels", "x.id"), new("task_labels", "x.task_id, x.label_id"), new("task_assignees", "x.task_id, x.user_id"),
        new("task_dependencies", "x.task_id, x.depends_on"), new("task_activity", "x.id"), new("task_attachments", "x.id"),
    ];

    public static Task<string> TaskTablesSnapshotAsync(this TestSilo silo) => silo.SnapshotAsync(TaskTables);

    /// <summary>Runs <paramref name="request"/> and asserts that the project and task tables are exactly as before it.</summary>
    public static Task AssertTasksUnchangedAsync(this TestSilo silo, Func<Task> request) => silo.AssertUnchangedAsync(TaskTables, request);

    public static async Task<TaskRowCounts> TaskRowCountsAsync(this TestSilo silo, long taskId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleAsync<TaskRowCounts>(
            """
            SELECT (SELECT count(*) FROM tasks WHERE id = @taskId) AS Tasks,
                   (SELECT count(*) FROM task_labels WHERE task_id = @taskId) AS Labels,
                   (SELECT count(*) FROM task_assignees WHERE task_id = @taskId) AS Assignees,
                   (SELECT count(*) FROM task_dependencies WHERE task_id = @taskId OR depends_on = @taskId) AS Dependencies,
                   (SELECT count(*) FROM task_activity WHERE task_id = @taskId) AS Activity,
                   (SELECT count(*) FROM task_attachments WHERE task_id = @taskId) AS Attachments
            """,
            new { taskId });
    }

    public static async Task<long> CountAsync(this TestSilo silo, string sql, object? parameters = null)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>(sql, parameters);
    }
}
