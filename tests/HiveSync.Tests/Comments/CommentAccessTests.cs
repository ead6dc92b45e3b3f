using System.Net;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>
/// Viewers read and star but do not comment; an archived project's comments are read-only (409 CONFLICT); the ids of
/// another project under this project's path are 404 as if they did not exist. Nothing changes when refused.
/// </summary>
public sealed class CommentAccessTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Theory]
    [InlineData("task")]
    [InlineData("project")]
    public async Task A_viewer_commenting_is_403_and_nothing_is_written(string entityType)
    {
        var team = await silo.CreateTeamAsync();
        var task = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var entityId = entityType == OnTask ? task : team.ProjectId;

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var response = await silo.CommentResponseAsync(team.Viewer.AccessToken, team.ProjectId, entityType, entityId, "I only watch");
            await response.AssertForbiddenAsync();
        });
    }

    [Theory]
    [InlineData("member")]
    [InlineData("admin")]
    [InlineData("owner")]
    public async Task Members_and_up_comment(string role)
    {
        var team = await silo.CreateTeamAsync();

        var comment = await silo.CommentOnProjectAsync(team.As(role).AccessToken, team.ProjectId);

        Assert.Equal(team.As(role).UserId, comment["author_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task In_an_archived_project_creating_editing_and_deleting_comments_is_409_and_nothing_changes()
    {
        var team = await silo.CreateTeamAsync();
        var task = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var own = (await silo.CommentOnTaskAsync(team.Owner.AccessToken, team.ProjectId, task, "before archiving")).Id();
        var members = (await silo.CommentOnProjectAsync(team.Member.AccessToken, team.ProjectId, "member's")).Id();
        await silo.ArchiveAsync(team.Owner.AccessToken, team.ProjectId);
        var owner = team.Owner.AccessToken;

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var onTask = await silo.CommentResponseAsync(owner, team.ProjectId, OnTask, task, "after");
            await onTask.AssertStatusAsync(HttpStatusCode.Conflict, "create on a task");
            await onTask.AssertConflictAsync();
            using var onProject = await silo.CommentResponseAsync(team.Member.AccessToken, team.ProjectId, OnProject, team.ProjectId, "after");
            await onProject.AssertConflictAsync();
            using var edit = await silo.EditCommentResponseAsync(owner, team.ProjectId, own, "changed");
            await edit.AssertConflictAsync();
            using var editByAuthor = await silo.EditCommentResponseAsync(team.Member.AccessToken, team.ProjectId, members, "changed");
            await editByAuthor.AssertConflictAsync();
            using var delete = await silo.DeleteCommentResponseAsync(owner, team.ProjectId, own);
            await delete.AssertConflictAsync();
            using var deleteOthers = await silo.DeleteCommentResponseAsync(owner, team.ProjectId, members);
            await deleteOthers.AssertConflictAsync();
        });
    }

    [Fact]
    public async Task An_archived_projects_comments_and_history_are_still_readable()
    {
        var team = await silo.CreateTeamAsync();
        var comment = (await silo.CommentOnProjectAsync(team.Member.AccessToken, team.ProjectId, "v1")).Id();
        await silo.EditCommentAsync(team.Member.AccessToken, team.ProjectId, comment, "v2");
        await silo.ArchiveAsync(team.Owner.AccessToken, team.ProjectId);

        var list = await silo.ListCommentsAsync(team.Viewer.AccessToken, team.ProjectId, EntityQuery(OnProject, team.ProjectId));
        var history = await silo.HistoryAsync(team.Viewer.AccessToken, team.ProjectId, comment);

        Assert.Equal(["v2"], list.Bodies());
        Assert.Equal(["v1", "v2"], history.Bodies());
    }

    /// <summary>A project A of the caller (a member) with a task, and a project B with a task and a comment on it.</summary>
    private sealed record TwoProjects(string Token, long ProjectA, long TaskA, long ProjectB, long TaskB, long CommentB);

    private async Task<TwoProjects> TwoProjectsAsync(bool memberOfB)
    {
        var teamA = await silo.CreateTeamAsync();
        var taskA = (await silo.CreateTaskAsync(teamA.Owner.AccessToken, teamA.ProjectId)).Id();
        var (ownerB, projectB) = await silo.OwnProjectAsync();
        var taskB = (await silo.CreateTaskAsync(ownerB.AccessToken, projectB)).Id();
        var commentB = (await silo.CommentOnTaskAsync(ownerB.AccessToken, projectB, taskB, "B's secret")).Id();
        if (memberOfB)
        {
            await silo.InviteAsync(ownerB.AccessToken, projectB, teamA.Member.Email, "admin");
        }

        return new TwoProjects(teamA.Member.AccessToken, teamA.ProjectId, taskA, projectB, taskB, commentB);
    }

    /// <summary>
    /// Requests under project A's path naming project B's things (<c>{taskB}</c>, <c>{commentB}</c>, <c>{projectB}</c>),
    /// and the 404 code each must answer.
    /// </summary>
    public static TheoryData<string, string, string?, string> ForeignIds { get; } = new()
    {
        { "GET", "?entity_type=task&entity_id={taskB}", null, "TASK_NOT_FOUND" },
        { "POST", "", """{"entity_type":"task","entity_id":{taskB},"body":"planted"}""", "TASK_NOT_FOUND" },
        { "GET", "?entity_type=project&entity_id={projectB}", null, "PROJECT_NOT_FOUND" },
        { "POST", "", """{"entity_type":"project","entity_id":{projectB},"body":"planted"}""", "PROJECT_NOT_FOUND" },
        { "PATCH", "/{commentB}", """{"body":"hijacked"}""", "COMMENT_NOT_FOUND" },
        { "DELETE", "/{commentB}", null, "COMMENT_NOT_FOUND" },
        { "GET", "/{commentB}/history", null, "COMMENT_NOT_FOUND" },
        { "POST", "/{commentB}/star", null, "COMMENT_NOT_FOUND" },
        { "DELETE", "/{commentB}/star", null, "COMMENT_NOT_FOUND" },
    };

    private async Task AssertForeignIdIsNotFoundAsync(TwoProjects p, string method, string path, string? body, string code)
    {
        string Fill(string text) => text
            .Replace("{taskB}", Text(p.TaskB), StringComparison.Ordinal)
            .Replace("{commentB}", Text(p.CommentB), StringComparison.Ordinal)
            .Replace("{projectB}", Text(p.ProjectB), StringComparison.Ordinal);

        await silo.AssertTasksUnchangedAsync(() => silo.AssertCommentsUnchangedAsync(async () =>
        {
            var route = CommentsPath(p.ProjectA) + Fill(path);
            using var response = await silo.SendAsync(new HttpMethod(method), route, body is null ? null : Fill(body), token: p.Token);
            await response.AssertStatusAsync(HttpStatusCode.NotFound, $"{method} {route}");
            await response.AssertErrorAsync(HttpStatusCode.NotFound, code);
        }));
    }

    [Theory]
    [MemberData(nameof(ForeignIds))]
    public async Task Another_projects_ids_under_the_callers_project_are_404_and_nothing_changes(string method, string path, string? body, string code)
    {
        var projects = await TwoProjectsAsync(memberOfB: false);

        await AssertForeignIdIsNotFoundAsync(projects, method, path, body, code);
    }

    [Theory]
    [MemberData(nameof(ForeignIds))]
    public async Task Ids_of_another_project_the_caller_is_a_member_of_are_404_under_this_projects_path(string method, string path, string? body, string code)
    {
        var projects = await TwoProjectsAsync(memberOfB: true);

        await AssertForeignIdIsNotFoundAsync(projects, method, path, body, code);
    }
}
