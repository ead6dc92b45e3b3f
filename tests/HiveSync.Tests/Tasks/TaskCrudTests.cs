using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>Creating, reading (by id and by number), changing and deleting one task.</summary>
public sealed class TaskCrudTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task Create_answers_201_with_the_exact_task_and_its_defaults()
    {
        var (owner, projectId) = await silo.OwnProjectAsync("KEY");

        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, "Write the docs");

        Assert.True(task.Id() > 0);
        Assert.Equal(projectId, task["project_id"]!.GetValue<long>());
        Assert.Equal(1, task["number"]!.GetValue<long>());
        Assert.Equal("KEY-1", task["key"]!.GetValue<string>());
        Assert.Equal("Write the docs", task["title"]!.GetValue<string>());
        Assert.Equal("", task["description"]!.GetValue<string>());
        Assert.Equal("todo", task["status"]!.GetValue<string>());
        Assert.Equal("medium", task["priority"]!.GetValue<string>());
        Assert.Empty(task["assignee_ids"].Longs());
        Assert.Empty(task["label_ids"].Longs());
        Assert.Null(task["due_date"]);
        Assert.Empty(task["depends_on"].Longs());
        Assert.Empty(task["open_blockers"]!.AsArray());
        Assert.Equal(owner.UserId, task["created_by"]!.GetValue<long>());
        var created = AssertUtcTimestamp(task["created_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - created, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.True(AssertUtcTimestamp(task["updated_at"]) >= created);
        Assert.Null(task["completed_at"]);
        Assert.Equal(1, await silo.CountAsync("SELECT count(*) FROM tasks WHERE project_id = @projectId", new { projectId }));
    }

    [Fact]
    public async Task Create_takes_every_field_it_is_given()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        var label = await silo.CreateLabelAsync(owner.AccessToken, projectId, "backend");

        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, fields: new JsonObject
        {
            ["title"] = "Ship it",
            ["description"] = "All of it\nand more",
            ["status"] = "in_review",
            ["priority"] = "urgent",
            ["assignee_ids"] = new JsonArray(member.UserId, owner.UserId),
            ["label_ids"] = new JsonArray(label.Id()),
            ["due_date"] = "2030-06-15",
        });

        Assert.Equal("Ship it", task["title"]!.GetValue<string>());
        Assert.Equal("All of it\nand more", task["description"]!.GetValue<string>());
        Assert.Equal("in_review", task["status"]!.GetValue<string>());
        Assert.Equal("urgent", task["priority"]!.GetValue<string>());
        Assert.Equal([owner.UserId, member.UserId], task["assignee_ids"].Longs().Order());
        Assert.Equal([label.Id()], task["label_ids"].Longs());
        Assert.Equal("2030-06-15", task["due_date"]!.GetValue<string>());
        Assert.Null(task["completed_at"]);
    }

    [Fact]
    public async Task A_task_created_done_has_a_completion_time()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, fields: new JsonObject { ["status"] = "done" });

        Assert.Equal("done", task["status"]!.GetValue<string>());
        Assert.True(AssertUtcTimestamp(task["completed_at"]) >= AssertUtcTimestamp(task["created_at"]));
    }

    [Fact]
    public async Task Get_by_id_and_get_by_number_answer_the_task_exactly_as_created()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await silo.CreateTaskAsync(owner.AccessToken, projectId, "first");
        var created = await silo.CreateTaskAsync(owner.AccessToken, projectId, "second", new JsonObject { ["due_date"] = "2031-01-31" });

        var byId = await silo.GetTaskAsync(owner.AccessToken, projectId, created.Id());
        using var response = await silo.GetAsync(TaskNumberPath(projectId, 2), owner.AccessToken);
        var byNumber = AssertTask(await response.AssertOkJsonAsync());

        Assert.True(JsonNode.DeepEquals(created, byId), $"{created.ToJsonString()} -> {byId.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(created, byNumber), $"{created.ToJsonString()} -> {byNumber.ToJsonString()}");
    }

    [Fact]
    public async Task Get_of_an_unknown_id_or_number_is_404_TASK_NOT_FOUND()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await silo.CreateTaskAsync(owner.AccessToken, projectId);

        using var byId = await silo.GetTaskResponseAsync(owner.AccessToken, projectId, 999_999_999);
        using var byNumber = await silo.GetAsync(TaskNumberPath(projectId, 2), owner.AccessToken);

        await byId.AssertTaskNotFoundAsync();
        await byNumber.AssertTaskNotFoundAsync();
    }

    public static TheoryData<string, string, string> FieldChanges { get; } = new()
    {
        { "title", "\"Renamed task\"", "\"Renamed task\"" },
        { "description", "\"A longer story\"", "\"A longer story\"" },
        { "description", "\"\"", "\"\"" },
        { "status", "\"in_progress\"", "\"in_progress\"" },
        { "status", "\"in_review\"", "\"in_review\"" },
        { "status", "\"canceled\"", "\"canceled\"" },
        { "status", "\"done\"", "\"done\"" },
        { "priority", "\"low\"", "\"low\"" },
        { "priority", "\"high\"", "\"high\"" },
        { "priority", "\"urgent\"", "\"urgent\"" },
        { "due_date", "\"2030-02-28\"", "\"2030-02-28\"" },
        { "due_date", "null", "null" },
        { "label_ids", "[]", "[]" },
    };

    [Theory]
    [MemberData(nameof(FieldChanges))]
    public async Task Patch_changes_the_one_field_given_and_keeps_every_other(string field, string value, string expected)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var label = await silo.CreateLabelAsync(owner.AccessToken, projectId, "kept");
        var before = await silo.CreateTaskAsync(owner.AccessToken, projectId, "Original", new JsonObject
        {
            ["description"] = "Original story",
            ["due_date"] = "2029-12-31",
            ["label_ids"] = new JsonArray(label.Id()),
            ["assignee_ids"] = new JsonArray(owner.UserId),
        });

        var patched = await silo.PatchTaskAsync(owner.AccessToken, projectId, before.Id(), $"{{\"{field}\":{value}}}");

        Assert.Equal(JsonNode.Parse(expected)?.ToJsonString() ?? "null", patched[field]?.ToJsonString() ?? "null");
        foreach (var other in new[] { "id", "project_id", "number", "key", "title", "description", "status", "priority", "assignee_ids", "label_ids", "due_date", "depends_on", "created_by", "created_at" })
        {
            if (other != field)
            {
                Assert.True(JsonNode.DeepEquals(before[other], patched[other]), $"{other}: {before[other]?.ToJsonString()} -> {patched[other]?.ToJsonString()}");
            }
        }

        Assert.True(AssertUtcTimestamp(patched["updated_at"]) >= AssertUtcTimestamp(before["updated_at"]));
        Assert.True(JsonNode.DeepEquals(patched, await silo.GetTaskAsync(owner.AccessToken, projectId, before.Id())));
    }

    [Fact]
    public async Task Patch_replaces_the_assignees_and_labels_whole()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        var red = await silo.CreateLabelAsync(owner.AccessToken, projectId, "red", "#ff0000");
        var blue = await silo.CreateLabelAsync(owner.AccessToken, projectId, "blue", "#0000ff");
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, fields: new JsonObject
        {
            ["assignee_ids"] = new JsonArray(owner.UserId),
            ["label_ids"] = new JsonArray(red.Id()),
        });

        var patched = await silo.PatchTaskAsync(
            owner.AccessToken, projectId, task.Id(), Json(new JsonObject { ["assignee_ids"] = new JsonArray(member.UserId), ["label_ids"] = new JsonArray(blue.Id()) }));
        var cleared = await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"assignee_ids":[],"label_ids":[]}""");

        Assert.Equal([member.UserId], patched["assignee_ids"].Longs());
        Assert.Equal([blue.Id()], patched["label_ids"].Longs());
        Assert.Empty(cleared["assignee_ids"].Longs());
        Assert.Empty(cleared["label_ids"].Longs());
        Assert.Equal(0, await silo.CountAsync("SELECT count(*) FROM task_assignees WHERE task_id = @id", new { id = task.Id() }));
        Assert.Equal(0, await silo.CountAsync("SELECT count(*) FROM task_labels WHERE task_id = @id", new { id = task.Id() }));
    }

    [Fact]
    public async Task Becoming_done_sets_the_completion_time_and_canceled_does_not()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId);

        var canceled = await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"status":"canceled"}""");
        var done = await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"status":"done"}""");

        Assert.Null(canceled["completed_at"]);
        Assert.True(AssertUtcTimestamp(done["completed_at"]) >= AssertUtcTimestamp(task["created_at"]));
    }

    [Fact]
    public async Task An_empty_patch_changes_nothing()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, "Stay");

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.PatchTaskResponseAsync(owner.AccessToken, projectId, task.Id(), "{}");
            Assert.True(JsonNode.DeepEquals(task, AssertTask(await response.AssertOkJsonAsync())));
        });
    }

    [Fact]
    public async Task Delete_answers_204_then_the_task_is_404_and_its_rows_are_gone()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var label = await silo.CreateLabelAsync(owner.AccessToken, projectId, "doomed");
        var blocker = await silo.CreateTaskAsync(owner.AccessToken, projectId, "blocker");
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, "doomed", new JsonObject
        {
            ["assignee_ids"] = new JsonArray(owner.UserId),
            ["label_ids"] = new JsonArray(label.Id()),
        });
        var waiting = await silo.CreateTaskAsync(owner.AccessToken, projectId, "waiting");
        await silo.AddDependencyAsync(owner.AccessToken, projectId, task.Id(), blocker.Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, waiting.Id(), task.Id());
        await silo.AddLinkAsync(owner.AccessToken, projectId, task.Id(), "https://example.com/spec");
        await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"priority":"high"}""");

        await silo.DeleteTaskAsync(owner.AccessToken, projectId, task.Id());

        using (var get = await silo.GetTaskResponseAsync(owner.AccessToken, projectId, task.Id()))
        {
            await get.AssertTaskNotFoundAsync();
        }

        using (var byNumber = await silo.GetAsync(TaskNumberPath(projectId, task["number"]!.GetValue<long>()), owner.AccessToken))
        {
            await byNumber.AssertTaskNotFoundAsync();
        }

        using (var again = await silo.DeleteAsync(owner.AccessToken, TaskPath(projectId, task.Id())))
        {
            await again.AssertTaskNotFoundAsync();
        }

        Assert.Equal(new TaskRowCounts(0, 0, 0, 0, 0, 0), await silo.TaskRowCountsAsync(task.Id()));
        Assert.Empty((await silo.GetTaskAsync(owner.AccessToken, projectId, waiting.Id()))["depends_on"].Longs());
        Assert.Equal([waiting.Id(), blocker.Id()], (await silo.ListTasksAsync(owner.AccessToken, projectId)).Ids());
        Assert.Single((await silo.ListLabelsAsync(owner.AccessToken, projectId))["items"]!.AsArray());
    }

    [Fact]
    public async Task Deleting_the_project_deletes_its_tasks_and_labels()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var label = await silo.CreateLabelAsync(owner.AccessToken, projectId, "gone");
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, fields: new JsonObject { ["label_ids"] = new JsonArray(label.Id()) });

        using (var deleted = await silo.DeleteAsync(owner.AccessToken, ProjectPath(projectId)))
        {
            await deleted.AssertNoContentAsync();
        }

        Assert.Equal(new TaskRowCounts(0, 0, 0, 0, 0, 0), await silo.TaskRowCountsAsync(task.Id()));
        Assert.Equal(0, await silo.CountAsync("SELECT count(*) FROM labels WHERE project_id = @projectId", new { projectId }));
    }
}
