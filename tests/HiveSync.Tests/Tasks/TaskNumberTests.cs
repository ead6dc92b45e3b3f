using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>Task numbers count from 1 per project, without gaps or repeats however tasks are created; keys are <c>{project key}-{number}</c>.</summary>
public sealed class TaskNumberTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task Tasks_of_a_project_are_numbered_1_2_3_with_keys_from_the_project_key()
    {
        var (owner, projectId) = await silo.OwnProjectAsync("HIVE");

        var tasks = new[]
        {
            await silo.CreateTaskAsync(owner.AccessToken, projectId),
            await silo.CreateTaskAsync(owner.AccessToken, projectId),
            await silo.CreateTaskAsync(owner.AccessToken, projectId),
        };

        Assert.Equal([1L, 2L, 3L], tasks.Select(t => t["number"]!.GetValue<long>()));
        Assert.Equal(["HIVE-1", "HIVE-2", "HIVE-3"], tasks.Select(t => t["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Each_project_counts_on_its_own()
    {
        var (owner, first) = await silo.OwnProjectAsync("ONE");
        var second = (await silo.CreateProjectAsync(owner.AccessToken, key: "TWO")).Id();
        var (stranger, third) = await silo.OwnProjectAsync("ONE");

        var a1 = await silo.CreateTaskAsync(owner.AccessToken, first);
        var b1 = await silo.CreateTaskAsync(owner.AccessToken, second);
        var a2 = await silo.CreateTaskAsync(owner.AccessToken, first);
        var c1 = await silo.CreateTaskAsync(stranger.AccessToken, third);
        var b2 = await silo.CreateTaskAsync(owner.AccessToken, second);

        Assert.Equal(("ONE-1", "ONE-2"), (a1["key"]!.GetValue<string>(), a2["key"]!.GetValue<string>()));
        Assert.Equal(("TWO-1", "TWO-2"), (b1["key"]!.GetValue<string>(), b2["key"]!.GetValue<string>()));
        Assert.Equal("ONE-1", c1["key"]!.GetValue<string>());
        Assert.Equal(1, c1["number"]!.GetValue<long>());
    }

    [Fact]
    public async Task Twenty_concurrent_creates_in_one_project_get_exactly_the_numbers_1_to_20()
    {
        var (owner, projectId) = await silo.OwnProjectAsync("RACE");
        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");

        var responses = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => silo.CreateTaskResponseAsync(
            i % 2 == 0 ? owner.AccessToken : member.AccessToken, projectId, Json(new JsonObject { ["title"] = $"Parallel {i}" }))));
        var created = new List<long>();
        foreach (var response in responses)
        {
            using (response)
            {
                created.Add(AssertTask(await response.AssertOkJsonAsync(HttpStatusCode.Created))["number"]!.GetValue<long>());
            }
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), created.Order());
        var listed = await silo.ListTasksAsync(owner.AccessToken, projectId, "sort=number&page_size=100");
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), listed.Numbers());
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"RACE-{n}"), listed["items"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_deleted_tasks_number_is_never_given_again()
    {
        var (owner, projectId) = await silo.OwnProjectAsync("GONE");
        await silo.CreateTaskAsync(owner.AccessToken, projectId);
        var second = await silo.CreateTaskAsync(owner.AccessToken, projectId);
        await silo.DeleteTaskAsync(owner.AccessToken, projectId, second.Id());

        var next = await silo.CreateTaskAsync(owner.AccessToken, projectId);

        Assert.Equal(3, next["number"]!.GetValue<long>());
        Assert.Equal("GONE-3", next["key"]!.GetValue<string>());
        using var byNumber = await silo.GetAsync(TaskNumberPath(projectId, 2), owner.AccessToken);
        await byNumber.AssertTaskNotFoundAsync();
    }

    [Fact]
    public async Task A_refused_create_takes_no_number()
    {
        var (owner, projectId) = await silo.OwnProjectAsync("SKIP");
        await silo.CreateTaskAsync(owner.AccessToken, projectId);
        using (var refused = await silo.CreateTaskResponseAsync(owner.AccessToken, projectId, """{"title":"x","status":"bogus"}"""))
        {
            await refused.AssertValidationErrorAsync("status");
        }

        var next = await silo.CreateTaskAsync(owner.AccessToken, projectId);

        Assert.Equal(2, next["number"]!.GetValue<long>());
    }

    [Fact]
    public async Task By_number_reads_within_the_path_project_only()
    {
        var (owner, first) = await silo.OwnProjectAsync("AAA");
        var second = (await silo.CreateProjectAsync(owner.AccessToken, key: "BBB")).Id();
        var a1 = await silo.CreateTaskAsync(owner.AccessToken, first);
        await silo.CreateTaskAsync(owner.AccessToken, second);
        await silo.CreateTaskAsync(owner.AccessToken, second);

        using var one = await silo.GetAsync(TaskNumberPath(first, 1), owner.AccessToken);
        using var two = await silo.GetAsync(TaskNumberPath(first, 2), owner.AccessToken);

        Assert.Equal(a1.Id(), AssertTask(await one.AssertOkJsonAsync()).Id());
        await two.AssertTaskNotFoundAsync();
    }
}
