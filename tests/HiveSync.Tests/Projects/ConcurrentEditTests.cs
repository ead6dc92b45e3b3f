using System.Net;
using System.Text.Json;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Projects;

/// <summary>Strong ETags on projects, tasks and comments; a PATCH or DELETE with a stale If-Match is 412 and changes nothing.</summary>
public sealed class ConcurrentEditTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    public static TheoryData<string> Kinds => ["project", "task", "comment"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_patch_with_the_current_etag_lands_and_one_with_the_previous_etag_is_412_and_changes_nothing(string kind)
    {
        var owner = await silo.RegisterAsync();
        var (path, patch, field) = await CreateAsync(kind, owner.AccessToken);
        // A comment has no GET of its own: its answers (here a first edit) carry the ETag.
        var first = kind == "comment"
            ? await SendAsync(HttpMethod.Patch, path, owner.AccessToken, patch("v0"))
            : await SendAsync(HttpMethod.Get, path, owner.AccessToken, null);
        var original = first.Headers.ETag!.Tag;
        Assert.False(first.Headers.ETag.IsWeak);

        var changed = await SendAsync(HttpMethod.Patch, path, owner.AccessToken, patch("v1"), ifMatch: original);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var current = changed.Headers.ETag!.Tag;
        Assert.NotEqual(original, current);

        var stale = await SendAsync(HttpMethod.Patch, path, owner.AccessToken, patch("v2"), ifMatch: original);
        await stale.AssertErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        var staleDelete = await SendAsync(HttpMethod.Delete, path, owner.AccessToken, null, ifMatch: original);
        await staleDelete.AssertErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        var foreign = await SendAsync(HttpMethod.Patch, path, owner.AccessToken, patch("v3"), ifMatch: "\"x1v1\"");
        await foreign.AssertErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");

        var kept = await ReadAsync(kind, path, owner.AccessToken);
        Assert.Equal("v1", kept[field]!.GetValue<string>());

        var deleted = await SendAsync(HttpMethod.Delete, path, owner.AccessToken, null, ifMatch: current);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private async Task<(string Path, Func<string, object> Patch, string Field)> CreateAsync(string kind, string token)
    {
        var project = await silo.CreateProjectAsync(token);
        var projectPath = $"/api/v1/projects/{project.Id()}";
        if (kind == "project")
        {
            return (projectPath, v => new { description = v }, "description");
        }

        var task = await (await SendAsync(HttpMethod.Post, $"{projectPath}/tasks", token, new { title = "t" })).ReadJsonAsync();
        var taskId = task["data"]!.Id();
        if (kind == "task")
        {
            return ($"{projectPath}/tasks/{taskId}", v => new { description = v }, "description");
        }

        var comment = await (await SendAsync(HttpMethod.Post, $"{projectPath}/comments", token, new { entity_type = "task", entity_id = taskId, body = "first" })).ReadJsonAsync();
        return ($"{projectPath}/comments/{comment["data"]!.Id()}", v => new { body = v }, "body");
    }

    private async Task<System.Text.Json.Nodes.JsonNode> ReadAsync(string kind, string path, string token)
    {
        if (kind != "comment")
        {
            return (await (await SendAsync(HttpMethod.Get, path, token, null)).ReadJsonAsync())["data"]!;
        }

        var history = await (await SendAsync(HttpMethod.Get, path + "/history", token, null)).ReadJsonAsync();
        return history["items"]!.AsArray()[^1]!;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body, string? ifMatch = null) =>
        silo.SendAsync(new TestRequest(method, path)
        {
            Bearer = token,
            Body = body is null ? null : JsonSerializer.Serialize(body),
            Headers = ifMatch is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["If-Match"] = ifMatch },
        });
}
