using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary><c>GET /tasks/{task_id}/activity</c>: who changed which field from what to what, oldest first.</summary>
public sealed class TaskActivityTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private static JsonNode Entry(JsonNode list, string field) =>
        Assert.Single(list["items"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field)!;

    private static List<string> Fields(JsonNode list) =>
        list["items"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();

    private static void AssertValues(JsonNode entry, string oldJson, string newJson)
    {
        Assert.Equal(oldJson, entry["old_value"]?.ToJsonString() ?? "null");
        Assert.Equal(newJson, entry["new_value"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public async Task A_new_task_has_one_created_entry_by_its_creator()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Member.AccessToken, team.ProjectId, "Fresh");

        var activity = await silo.ListActivityAsync(team.Member.AccessToken, team.ProjectId, task.Id());

        var entry = Assert.Single(activity["items"]!.AsArray())!;
        Assert.Equal(1, activity["total"]!.GetValue<int>());
        Assert.True(entry.Id() > 0);
        Assert.Equal("created", entry["field"]!.GetValue<string>());
        Assert.Equal(team.Member.UserId, entry["actor_id"]!.GetValue<long>());
        Assert.Null(entry["old_value"]);
        Assert.True(AssertUtcTimestamp(entry["occurred_at"]) >= AssertUtcTimestamp(task["created_at"]).AddSeconds(-1));
    }

    [Fact]
    public async Task Each_changed_field_has_one_entry_with_its_old_and_new_value_and_the_actor()
    {
        var team = await silo.CreateTeamAsync();
        var id = team.ProjectId;
        var label = await silo.CreateLabelAsync(team.Owner.AccessToken, id, "ops");
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, id, "Old title", new JsonObject { ["description"] = "Old story" });

        await silo.PatchTaskAsync(team.Member.AccessToken, id, task.Id(), Json(new JsonObject
        {
            ["title"] = "New title",
            ["description"] = "New story",
            ["status"] = "in_progress",
            ["priority"] = "urgent",
            ["due_date"] = "2030-05-01",
            ["assignee_ids"] = new JsonArray(team.Member.UserId),
            ["label_ids"] = new JsonArray(label.Id()),
        }));
        var activity = await silo.ListActivityAsync(team.Viewer.AccessToken, id, task.Id());

        Assert.Equal("created", Fields(activity)[0]);
        Assert.Equal(["assignee_ids", "description", "due_date", "label_ids", "priority", "status", "title"], Fields(activity).Skip(1).Order(StringComparer.Ordinal));
        Assert.Equal(8, activity["total"]!.GetValue<int>());
        foreach (var entry in activity["items"]!.AsArray().Skip(1))
        {
            Assert.Equal(team.Member.UserId, entry!["actor_id"]!.GetValue<long>());
        }

        AssertValues(Entry(activity, "title"), "\"Old title\"", "\"New title\"");
        AssertValues(Entry(activity, "description"), "\"Old story\"", "\"New story\"");
        AssertValues(Entry(activity, "status"), "\"todo\"", "\"in_progress\"");
        AssertValues(Entry(activity, "priority"), "\"medium\"", "\"urgent\"");
        AssertValues(Entry(activity, "due_date"), "null", "\"2030-05-01\"");
        AssertValues(Entry(activity, "assignee_ids"), "[]", $"[{team.Member.UserId}]");
        AssertValues(Entry(activity, "label_ids"), "[]", $"[{label.Id()}]");
    }

    [Fact]
    public async Task A_field_set_to_the_value_it_has_adds_no_entry()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, "Same", new JsonObject { ["priority"] = "high" });

        await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"title":"Same","priority":"high","status":"todo","due_date":null,"assignee_ids":[]}""");
        await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"title":"Other","priority":"high"}""");

        var activity = await silo.ListActivityAsync(owner.AccessToken, projectId, task.Id());
        Assert.Equal(["created", "title"], Fields(activity));
    }

    [Fact]
    public async Task Entries_come_oldest_first_and_clearing_records_null()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, "v1");

        await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"due_date":"2030-01-01"}""");
        await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"title":"v2"}""");
        await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"title":"v3"}""");
        await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), """{"due_date":null}""");
        var activity = await silo.ListActivityAsync(owner.AccessToken, projectId, task.Id());

        Assert.Equal(["created", "due_date", "title", "title", "due_date"], Fields(activity));
        var items = activity["items"]!.AsArray();
        AssertValues(items[2]!, "\"v1\"", "\"v2\"");
        AssertValues(items[3]!, "\"v2\"", "\"v3\"");
        AssertValues(items[4]!, "\"2030-01-01\"", "null");
        var ids = items.Select(e => e!.Id()).ToList();
        Assert.Equal(ids.Order(), ids);
        var times = items.Select(e => AssertUtcTimestamp(e!["occurred_at"])).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task Activity_pages_like_every_list_and_matches_the_stored_rows()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, "t0");
        for (var i = 1; i <= 4; i++)
        {
            await silo.PatchTaskAsync(owner.AccessToken, projectId, task.Id(), $"{{\"title\":\"t{i}\"}}");
        }

        var second = await silo.ListActivityAsync(owner.AccessToken, projectId, task.Id(), "page=2&page_size=2");

        Assert.Equal(5, second["total"]!.GetValue<int>());
        Assert.Equal(2, second["page"]!.GetValue<int>());
        Assert.Equal(["\"t2\"", "\"t3\""], second["items"]!.AsArray().Select(e => e!["new_value"]!.ToJsonString()));
        Assert.Equal(5, await silo.CountAsync("SELECT count(*) FROM task_activity WHERE task_id = @id", new { id = task.Id() }));
    }

    [Fact]
    public async Task A_viewer_reads_the_activity_and_an_unknown_task_is_404()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Member.AccessToken, team.ProjectId);

        var activity = await silo.ListActivityAsync(team.Viewer.AccessToken, team.ProjectId, task.Id());
        using var unknown = await silo.GetAsync(ActivityPath(team.ProjectId, 999_999_999), team.Viewer.AccessToken);

        Assert.Single(activity["items"]!.AsArray());
        await unknown.AssertTaskNotFoundAsync();
    }
}
