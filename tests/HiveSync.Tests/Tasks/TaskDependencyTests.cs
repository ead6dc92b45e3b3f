using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary><c>/tasks/{task_id}/depends-on/{other_task_id}</c>: what a task waits for, never itself, never in a cycle, and the gate on <c>done</c>.</summary>
public sealed class TaskDependencyTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private async Task<(SignedIn Owner, long ProjectId, JsonNode[] Tasks)> TasksAsync(int count, string key = "DEP")
    {
        var (owner, projectId) = await silo.OwnProjectAsync(key);
        var tasks = new JsonNode[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = await silo.CreateTaskAsync(owner.AccessToken, projectId, "Task " + (char)('A' + i));
        }

        return (owner, projectId, tasks);
    }

    private Task<long> DependencyRowsAsync(long projectId) =>
        silo.CountAsync("SELECT count(*) FROM task_dependencies WHERE project_id = @projectId", new { projectId });

    [Fact]
    public async Task Adding_a_dependency_answers_the_task_with_it_in_depends_on_and_open_blockers()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        var (a, b) = (tasks[0], tasks[1]);

        var waiting = await silo.AddDependencyAsync(owner.AccessToken, projectId, a.Id(), b.Id());

        Assert.Equal(a.Id(), waiting.Id());
        Assert.Equal([b.Id()], waiting["depends_on"].Longs());
        var blocker = Assert.Single(waiting["open_blockers"]!.AsArray())!;
        Assert.Equal(b.Id(), blocker.Id());
        Assert.Equal(b["number"]!.GetValue<long>(), blocker["number"]!.GetValue<long>());
        Assert.Equal("DEP-2", blocker["key"]!.GetValue<string>());
        Assert.Equal("Task B", blocker["title"]!.GetValue<string>());
        Assert.Equal("todo", blocker["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(waiting, await silo.GetTaskAsync(owner.AccessToken, projectId, a.Id())));
        var other = await silo.GetTaskAsync(owner.AccessToken, projectId, b.Id());
        Assert.Empty(other["depends_on"].Longs());
        Assert.Empty(other["open_blockers"]!.AsArray());
    }

    [Fact]
    public async Task Adding_the_same_dependency_again_answers_the_same_task_and_adds_no_row()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        var first = await silo.AddDependencyAsync(owner.AccessToken, projectId, tasks[0].Id(), tasks[1].Id());

        var again = await silo.AddDependencyAsync(owner.AccessToken, projectId, tasks[0].Id(), tasks[1].Id());

        Assert.Equal(first["depends_on"]!.ToJsonString(), again["depends_on"]!.ToJsonString());
        Assert.Equal(first["open_blockers"]!.ToJsonString(), again["open_blockers"]!.ToJsonString());
        Assert.Equal(1, await DependencyRowsAsync(projectId));
    }

    [Fact]
    public async Task A_task_may_wait_for_several_and_several_may_wait_for_one()
    {
        var (owner, projectId, tasks) = await TasksAsync(4);
        var (a, b, c, d) = (tasks[0].Id(), tasks[1].Id(), tasks[2].Id(), tasks[3].Id());

        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);
        var diamondTop = await silo.AddDependencyAsync(owner.AccessToken, projectId, a, c);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, b, d);
        var lastEdge = await silo.AddDependencyAsync(owner.AccessToken, projectId, c, d);

        Assert.Equal([b, c], diamondTop["depends_on"].Longs().Order());
        Assert.Equal([b, c], diamondTop.BlockerIds().Order());
        Assert.Equal([d], lastEdge["depends_on"].Longs());
        Assert.Equal(4, await DependencyRowsAsync(projectId));
    }

    [Fact]
    public async Task A_task_cannot_wait_for_itself()
    {
        var (owner, projectId, tasks) = await TasksAsync(1);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.AddDependencyResponseAsync(owner.AccessToken, projectId, tasks[0].Id(), tasks[0].Id());
            await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        });
    }

    [Fact]
    public async Task A_task_of_another_project_or_none_is_404_TASK_NOT_FOUND_either_way_round()
    {
        var (owner, projectId, tasks) = await TasksAsync(1);
        var otherProject = (await silo.CreateProjectAsync(owner.AccessToken, key: "OTHER")).Id();
        var foreign = await silo.CreateTaskAsync(owner.AccessToken, otherProject, "elsewhere");

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            foreach (var (task, other) in new[] { (tasks[0].Id(), foreign.Id()), (foreign.Id(), tasks[0].Id()), (tasks[0].Id(), 999_999_999L), (999_999_999L, tasks[0].Id()) })
            {
                using var response = await silo.AddDependencyResponseAsync(owner.AccessToken, projectId, task, other);
                await response.AssertTaskNotFoundAsync();
            }
        });
    }

    [Fact]
    public async Task Closing_a_cycle_of_two_is_409_CONFLICT_naming_the_tasks_around_it()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        var (a, b) = (tasks[0].Id(), tasks[1].Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.AddDependencyResponseAsync(owner.AccessToken, projectId, b, a);
            var error = await response.AssertConflictAsync();
            Assert.Equal([a, b], (error["details"]?["cycle"]).Longs().Distinct().Order());
        });
    }

    [Fact]
    public async Task Closing_a_longer_cycle_is_409_CONFLICT_naming_every_task_around_it()
    {
        var (owner, projectId, tasks) = await TasksAsync(4);
        var (a, b, c, outside) = (tasks[0].Id(), tasks[1].Id(), tasks[2].Id(), tasks[3].Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, b, c);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, outside, a);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.AddDependencyResponseAsync(owner.AccessToken, projectId, c, a);
            var error = await response.AssertConflictAsync();
            Assert.Equal(new[] { a, b, c }.Order(), (error["details"]?["cycle"]).Longs().Distinct().Order());
        });
        Assert.Empty((await silo.GetTaskAsync(owner.AccessToken, projectId, c))["depends_on"].Longs());
    }

    [Fact]
    public async Task Of_two_halves_of_a_cycle_added_at_once_exactly_one_is_kept()
    {
        var (owner, projectId, tasks) = await TasksAsync(10);

        for (var i = 0; i < tasks.Length; i += 2)
        {
            var (x, y) = (tasks[i].Id(), tasks[i + 1].Id());
            var answers = await Task.WhenAll(
                silo.AddDependencyResponseAsync(owner.AccessToken, projectId, x, y),
                silo.AddDependencyResponseAsync(owner.AccessToken, projectId, y, x));
            var statuses = answers.Select(r => r.StatusCode).Order().ToList();
            foreach (var answer in answers)
            {
                answer.Dispose();
            }

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses);
            Assert.Equal(1, await silo.CountAsync(
                "SELECT count(*) FROM task_dependencies WHERE task_id IN (@x, @y) OR depends_on IN (@x, @y)", new { x, y }));
        }
    }

    [Fact]
    public async Task Removing_a_dependency_answers_204_and_the_task_no_longer_waits()
    {
        var (owner, projectId, tasks) = await TasksAsync(3);
        var (a, b, c) = (tasks[0].Id(), tasks[1].Id(), tasks[2].Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, c);

        using (var response = await silo.DeleteAsync(owner.AccessToken, DependencyPath(projectId, a, b)))
        {
            await response.AssertNoContentAsync();
        }

        var task = await silo.GetTaskAsync(owner.AccessToken, projectId, a);
        Assert.Equal([c], task["depends_on"].Longs());
        Assert.Equal([c], task.BlockerIds());
        Assert.Equal(1, await DependencyRowsAsync(projectId));
        await silo.AddDependencyAsync(owner.AccessToken, projectId, b, a); // no cycle any more
    }

    [Fact]
    public async Task Moving_a_task_to_done_with_an_open_blocker_is_409_naming_the_blockers_and_changes_nothing()
    {
        var (owner, projectId, tasks) = await TasksAsync(3);
        var (a, b, c) = (tasks[0].Id(), tasks[1].Id(), tasks[2].Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, c);
        await silo.PatchTaskAsync(owner.AccessToken, projectId, c, """{"status":"done"}""");

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.PatchTaskResponseAsync(owner.AccessToken, projectId, a, """{"status":"done","title":"Finished"}""");
            var error = await response.AssertConflictAsync();
            var blockers = Assert.IsType<JsonArray>(error["details"]?["open_blockers"]);
            var blocker = Assert.Single(blockers)!;
            Assert.True(blocker is JsonObject, $"details.open_blockers should hold blockers as the task's open_blockers does ({{id, number, key, title, status}}): {error.ToJsonString()}");
            AssertExactKeys(blocker, BlockerKeys);
            Assert.Equal(b, blocker.Id());
            Assert.Equal("todo", blocker["status"]!.GetValue<string>());
        });
        var task = await silo.GetTaskAsync(owner.AccessToken, projectId, a);
        Assert.Equal("todo", task["status"]!.GetValue<string>());
        Assert.Equal("Task A", task["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Other_moves_are_not_held_up_by_open_blockers()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, tasks[0].Id(), tasks[1].Id());

        foreach (var status in new[] { "in_progress", "in_review", "canceled", "todo" })
        {
            var moved = await silo.PatchTaskAsync(owner.AccessToken, projectId, tasks[0].Id(), $"{{\"status\":\"{status}\"}}");
            Assert.Equal(status, moved["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Override_blockers_true_moves_a_blocked_task_to_done()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, tasks[0].Id(), tasks[1].Id());

        var done = await silo.PatchTaskAsync(owner.AccessToken, projectId, tasks[0].Id(), """{"status":"done","override_blockers":true}""");

        Assert.Equal("done", done["status"]!.GetValue<string>());
        Assert.NotNull(done["completed_at"]);
        Assert.Equal([tasks[1].Id()], done["depends_on"].Longs());
        Assert.Equal([tasks[1].Id()], done.BlockerIds());
    }

    [Fact]
    public async Task Override_blockers_false_is_the_default()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, tasks[0].Id(), tasks[1].Id());

        using var response = await silo.PatchTaskResponseAsync(owner.AccessToken, projectId, tasks[0].Id(), """{"status":"done","override_blockers":false}""");

        await response.AssertConflictAsync();
    }

    [Theory]
    [InlineData("done")]
    [InlineData("canceled")]
    public async Task Once_the_blocker_is_closed_open_blockers_is_empty_and_done_needs_no_override(string closed)
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        var (a, b) = (tasks[0].Id(), tasks[1].Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);

        await silo.PatchTaskAsync(owner.AccessToken, projectId, b, $"{{\"status\":\"{closed}\"}}");
        var unblocked = await silo.GetTaskAsync(owner.AccessToken, projectId, a);
        var done = await silo.PatchTaskAsync(owner.AccessToken, projectId, a, """{"status":"done"}""");

        Assert.Equal([b], unblocked["depends_on"].Longs());
        Assert.Empty(unblocked["open_blockers"]!.AsArray());
        Assert.Equal("done", done["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reopened_blocker_is_open_again()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        var (a, b) = (tasks[0].Id(), tasks[1].Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);
        await silo.PatchTaskAsync(owner.AccessToken, projectId, b, """{"status":"done"}""");

        await silo.PatchTaskAsync(owner.AccessToken, projectId, b, """{"status":"in_progress"}""");

        var task = await silo.GetTaskAsync(owner.AccessToken, projectId, a);
        var blocker = Assert.Single(task["open_blockers"]!.AsArray())!;
        Assert.Equal("in_progress", blocker["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_open_blockers_show_the_blockers_current_title()
    {
        var (owner, projectId, tasks) = await TasksAsync(2);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, tasks[0].Id(), tasks[1].Id());

        await silo.PatchTaskAsync(owner.AccessToken, projectId, tasks[1].Id(), """{"title":"Renamed blocker"}""");

        var blocker = Assert.Single((await silo.GetTaskAsync(owner.AccessToken, projectId, tasks[0].Id()))["open_blockers"]!.AsArray())!;
        Assert.Equal("Renamed blocker", blocker["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_task_removes_its_dependencies_in_either_direction()
    {
        var (owner, projectId, tasks) = await TasksAsync(3);
        var (a, b, c) = (tasks[0].Id(), tasks[1].Id(), tasks[2].Id());
        await silo.AddDependencyAsync(owner.AccessToken, projectId, a, b);
        await silo.AddDependencyAsync(owner.AccessToken, projectId, b, c);

        await silo.DeleteTaskAsync(owner.AccessToken, projectId, b);

        var waiting = await silo.GetTaskAsync(owner.AccessToken, projectId, a);
        Assert.Empty(waiting["depends_on"].Longs());
        Assert.Empty(waiting["open_blockers"]!.AsArray());
        Assert.Equal(0, await DependencyRowsAsync(projectId));
    }
}
