using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>
/// A signed-in account that is not a member gets 404 PROJECT_NOT_FOUND on every comments route, exactly like for a
/// missing project, whatever the query or body (a malformed one too); nothing changes.
/// </summary>
public sealed class CommentStrangerTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>A project with a task, an edited and starred comment on it, and a comment on the project.</summary>
    private sealed record Holdings(SignedIn Owner, long ProjectId, long TaskId, long CommentId, long ProjectCommentId);

    private async Task<Holdings> HoldingsAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = (await silo.CreateTaskAsync(owner.AccessToken, projectId, "secret")).Id();
        var comment = (await silo.CommentOnTaskAsync(owner.AccessToken, projectId, task, "secret draft")).Id();
        await silo.EditCommentAsync(owner.AccessToken, projectId, comment, "secret final");
        await silo.StarAsync(owner.AccessToken, projectId, comment);
        var onProject = (await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "secret plan")).Id();
        return new Holdings(owner, projectId, task, comment, onProject);
    }

    /// <summary>Every comments route: method, path under the comments path (<c>{task}</c>, <c>{project}</c>, <c>{comment}</c> filled in) and body.</summary>
    public static TheoryData<string, string, string?> Routes { get; } = new()
    {
        { "GET", "?entity_type=task&entity_id={task}", null },
        { "GET", "?entity_type=project&entity_id={project}", null },
        { "GET", "", null },
        { "GET", "?entity_type=bogus&entity_id=x&page=0", null },
        { "POST", "", """{"entity_type":"task","entity_id":{task},"body":"planted"}""" },
        { "POST", "", """{"entity_type":"project","entity_id":{project},"body":"planted"}""" },
        { "POST", "", """{"entity_type":"bogus","entity_id":{task},"body":"","bogus":1}""" },
        { "POST", "", """{"entity_type":""" },
        { "PATCH", "/{comment}", """{"body":"hijacked"}""" },
        { "PATCH", "/{comment}", """{"body":"","bogus":1}""" },
        { "PATCH", "/999999999", """{"body":"hijacked"}""" },
        { "DELETE", "/{comment}", null },
        { "DELETE", "/{project_comment}", null },
        { "DELETE", "/999999999", null },
        { "GET", "/{comment}/history", null },
        { "GET", "/{comment}/history?page_size=0", null },
        { "POST", "/{comment}/star", null },
        { "DELETE", "/{comment}/star", null },
    };

    private static string Fill(string text, Holdings h) => text
        .Replace("{task}", Text(h.TaskId), StringComparison.Ordinal)
        .Replace("{project}", Text(h.ProjectId), StringComparison.Ordinal)
        .Replace("{comment}", Text(h.CommentId), StringComparison.Ordinal)
        .Replace("{project_comment}", Text(h.ProjectCommentId), StringComparison.Ordinal);

    private Task<HttpResponseMessage> SendAsync(string method, long projectId, string path, string? body, string token) =>
        silo.SendAsync(new HttpMethod(method), CommentsPath(projectId) + path, body, token: token);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_stranger_gets_404_PROJECT_NOT_FOUND_exactly_like_for_a_missing_project_and_nothing_changes(string method, string path, string? body)
    {
        var holdings = await HoldingsAsync();
        var (stranger, missing) = await silo.StrangerWithMissingProjectAsync();

        var route = Fill(path, holdings);
        var json = body is null ? null : Fill(body, holdings);

        await silo.AssertTasksUnchangedAsync(() => silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var foreign = await SendAsync(method, holdings.ProjectId, route, json, stranger.AccessToken);
            using var gone = await SendAsync(method, missing, route, json, stranger.AccessToken);
            await foreign.AssertAnswersLikeMissingAsync(gone);
        }));
    }

    [Fact]
    public async Task A_removed_member_becomes_a_stranger_to_the_comments()
    {
        var holdings = await HoldingsAsync();
        var former = await silo.AddMemberAsync(holdings.Owner.AccessToken, holdings.ProjectId, "member");
        var theirs = (await silo.CommentOnProjectAsync(former.AccessToken, holdings.ProjectId, "before leaving")).Id();
        using (var removed = await silo.DeleteAsync(holdings.Owner.AccessToken, MemberPath(holdings.ProjectId, former.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var list = await silo.ListCommentsResponseAsync(former.AccessToken, holdings.ProjectId, EntityQuery(OnProject, holdings.ProjectId));
            await list.AssertProjectNotFoundAsync();
            using var edit = await silo.EditCommentResponseAsync(former.AccessToken, holdings.ProjectId, theirs, "revenge");
            await edit.AssertProjectNotFoundAsync();
            using var delete = await silo.DeleteCommentResponseAsync(former.AccessToken, holdings.ProjectId, theirs);
            await delete.AssertProjectNotFoundAsync();
        });
    }
}
