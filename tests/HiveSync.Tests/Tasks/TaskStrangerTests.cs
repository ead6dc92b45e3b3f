using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>
/// A signed-in account that is not a member gets 404 PROJECT_NOT_FOUND on every tasks route, exactly like for a
/// missing project; an id of another project's task, label or link under a project's path is 404 as if it did not
/// exist, whether or not the caller is a member of that other project. Nothing changes either way.
/// </summary>
public sealed class TaskStrangerTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>A project with two tasks (the first waiting for the second), a label and a link, all of one owner.</summary>
    private sealed record Holdings(SignedIn Owner, long ProjectId, long TaskId, long OtherTaskId, long LabelId, long LinkId);

    private async Task<Holdings> HoldingsAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var label = (await silo.CreateLabelAsync(owner.AccessToken, projectId, "private")).Id();
        var task = (await silo.CreateTaskAsync(owner.AccessToken, projectId, "secret", new JsonObject { ["label_ids"] = new JsonArray(label) })).Id();
        var other = (await silo.CreateTaskAsync(owner.AccessToken, projectId, "other secret")).Id();
        await silo.AddDependencyAsync(owner.AccessToken, projectId, task, other);
        var link = (await silo.AddLinkAsync(owner.AccessToken, projectId, task, "https://example.com/secret", "secret")).Id();
        return new Holdings(owner, projectId, task, other, label, link);
    }

    /// <summary>Every tasks route: method, path under the project (<c>{task}</c>, <c>{other}</c>, <c>{label}</c>, <c>{link}</c> filled in) and body.</summary>
    public static TheoryData<string, string, string?> Routes { get; } = new()
    {
        { "GET", "/tasks", null },
        { "GET", "/tasks?status=bogus", null },
        { "POST", "/tasks", """{"title":"planted"}""" },
        { "POST", "/tasks", """{"title":"","bogus":1}""" },
        { "GET", "/tasks/{task}", null },
        { "GET", "/tasks/999999999", null },
        { "GET", "/tasks/number/1", null },
        { "PATCH", "/tasks/{task}", """{"title":"hijacked"}""" },
        { "PATCH", "/tasks/{task}", """{"status":"done","override_blockers":true}""" },
        { "PATCH", "/tasks/{task}", """{"bogus":1}""" },
        { "DELETE", "/tasks/{task}", null },
        { "GET", "/tasks/{task}/activity", null },
        { "GET", "/tasks/labels", null },
        { "POST", "/tasks/labels", """{"name":"planted","color":"#000000"}""" },
        { "POST", "/tasks/labels", """{"name":"private","color":"bad"}""" },
        { "POST", "/tasks/labels", """{"name":"planted","color":"#000000","bogus":1}""" },
        { "GET", "/tasks/labels/{label}", null },
        { "DELETE", "/tasks/labels/{label}", null },
        { "DELETE", "/tasks/labels/999999999", null },
        { "POST", "/tasks/{other}/depends-on/{task}", null },
        { "POST", "/tasks/{task}/depends-on/{task}", null },
        { "DELETE", "/tasks/{task}/depends-on/{other}", null },
        { "GET", "/tasks/{task}/attachments", null },
        { "POST", "/tasks/{task}/attachments", """{"url":"https://example.com/planted"}""" },
        { "POST", "/tasks/{task}/attachments", """{"url":"http://127.0.0.1/"}""" },
        { "POST", "/tasks/{task}/attachments", """{"url":"https://example.com/","bogus":1}""" },
        { "DELETE", "/tasks/{task}/attachments/{link}", null },
    };

    private static string Fill(string path, Holdings h) => path
        .Replace("{task}", Text(h.TaskId), StringComparison.Ordinal)
        .Replace("{other}", Text(h.OtherTaskId), StringComparison.Ordinal)
        .Replace("{label}", Text(h.LabelId), StringComparison.Ordinal)
        .Replace("{link}", Text(h.LinkId), StringComparison.Ordinal);

    private Task<HttpResponseMessage> SendAsync(string method, long projectId, string path, string? body, string token) =>
        silo.SendAsync(new HttpMethod(method), ProjectPath(projectId) + path, body, token: token);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_stranger_gets_404_PROJECT_NOT_FOUND_exactly_like_for_a_missing_project_and_nothing_changes(string method, string path, string? body)
    {
        var holdings = await HoldingsAsync();
        var (stranger, missing) = await silo.StrangerWithMissingProjectAsync();

        var route = Fill(path, holdings);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var foreign = await SendAsync(method, holdings.ProjectId, route, body, stranger.AccessToken);
            using var gone = await SendAsync(method, missing, route, body, stranger.AccessToken);
            await foreign.AssertAnswersLikeMissingAsync(gone);
        });
    }

    [Fact]
    public async Task A_removed_member_becomes_a_stranger_to_the_tasks()
    {
        var holdings = await HoldingsAsync();
        var former = await silo.AddMemberAsync(holdings.Owner.AccessToken, holdings.ProjectId, "admin");
        using (var removed = await silo.DeleteAsync(holdings.Owner.AccessToken, MemberPath(holdings.ProjectId, former.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var read = await silo.GetTaskResponseAsync(former.AccessToken, holdings.ProjectId, holdings.TaskId);
            await read.AssertProjectNotFoundAsync();
            using var patch = await silo.PatchTaskResponseAsync(former.AccessToken, holdings.ProjectId, holdings.TaskId, """{"title":"revenge"}""");
            await patch.AssertProjectNotFoundAsync();
        });
    }

    /// <summary>Routes under the caller's own project with another project's ids, and the 404 code each must answer.</summary>
    public static TheoryData<string, string, string?, string> ForeignIds { get; } = new()
    {
        { "GET", "/tasks/{task}", null, "TASK_NOT_FOUND" },
        { "PATCH", "/tasks/{task}", """{"title":"hijacked"}""", "TASK_NOT_FOUND" },
        { "PATCH", "/tasks/{task}", """{"status":"done","override_blockers":true}""", "TASK_NOT_FOUND" },
        { "DELETE", "/tasks/{task}", null, "TASK_NOT_FOUND" },
        { "GET", "/tasks/{task}/activity", null, "TASK_NOT_FOUND" },
        { "GET", "/tasks/{task}/attachments", null, "TASK_NOT_FOUND" },
        { "POST", "/tasks/{task}/attachments", """{"url":"https://example.com/planted"}""", "TASK_NOT_FOUND" },
        { "DELETE", "/tasks/{task}/attachments/{link}", null, "TASK_NOT_FOUND" },
        { "DELETE", "/tasks/{own}/attachments/{link}", null, "ATTACHMENT_NOT_FOUND" },
        { "POST", "/tasks/{task}/depends-on/{own}", null, "TASK_NOT_FOUND" },
        { "POST", "/tasks/{own}/depends-on/{task}", null, "TASK_NOT_FOUND" },
        { "POST", "/tasks/{other}/depends-on/{task}", null, "TASK_NOT_FOUND" },
        { "DELETE", "/tasks/{task}/depends-on/{other}", null, "TASK_NOT_FOUND" },
        { "GET", "/tasks/labels/{label}", null, "LABEL_NOT_FOUND" },
        { "DELETE", "/tasks/labels/{label}", null, "LABEL_NOT_FOUND" },
    };

    private async Task AssertForeignIdIsNotFoundAsync(SignedIn caller, long ownProject, long ownTask, Holdings foreign, string method, string path, string? body, string code)
    {
        var route = Fill(path.Replace("{own}", Text(ownTask), StringComparison.Ordinal), foreign);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await SendAsync(method, ownProject, route, body, caller.AccessToken);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {route}: expected 404, got {(int)response.StatusCode}: {text}");
            await response.AssertErrorAsync(HttpStatusCode.NotFound, code);
        });
    }

    [Theory]
    [MemberData(nameof(ForeignIds))]
    public async Task Another_projects_ids_under_the_callers_project_are_404_and_nothing_changes(string method, string path, string? body, string code)
    {
        var foreign = await HoldingsAsync();
        var (caller, ownProject) = await silo.OwnProjectAsync();
        var ownTask = (await silo.CreateTaskAsync(caller.AccessToken, ownProject, "own")).Id();

        await AssertForeignIdIsNotFoundAsync(caller, ownProject, ownTask, foreign, method, path, body, code);
    }

    [Theory]
    [MemberData(nameof(ForeignIds))]
    public async Task Ids_of_another_project_the_caller_is_a_member_of_are_404_under_this_projects_path(string method, string path, string? body, string code)
    {
        var foreign = await HoldingsAsync();
        var (caller, ownProject) = await silo.OwnProjectAsync();
        await silo.InviteAsync(foreign.Owner.AccessToken, foreign.ProjectId, caller.Email, "admin");
        var ownTask = (await silo.CreateTaskAsync(caller.AccessToken, ownProject, "own")).Id();

        await AssertForeignIdIsNotFoundAsync(caller, ownProject, ownTask, foreign, method, path, body, code);
    }

    [Fact]
    public async Task Another_projects_labels_filter_nothing_in_and_list_nothing_of_this_project()
    {
        var foreign = await HoldingsAsync();
        var (caller, ownProject) = await silo.OwnProjectAsync();
        await silo.CreateTaskAsync(caller.AccessToken, ownProject, "own");

        var filtered = await silo.ListTasksAsync(caller.AccessToken, ownProject, "labels=" + Text(foreign.LabelId));
        var labels = await silo.ListLabelsAsync(caller.AccessToken, ownProject);

        Assert.Empty(filtered["items"]!.AsArray());
        Assert.Empty(labels["items"]!.AsArray());
    }
}
