using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>The author, an admin or an owner deletes a comment, its versions and stars with it; a deleted task takes its comments.</summary>
public sealed class CommentDeleteTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>A team's task with a comment by the member, edited once and starred by the viewer and the owner.</summary>
    private async Task<(Team Team, long TaskId, long CommentId)> StarredEditedCommentAsync()
    {
        var team = await silo.CreateTeamAsync();
        var task = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var comment = (await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, task, "first")).Id();
        await silo.EditCommentAsync(team.Member.AccessToken, team.ProjectId, comment, "second");
        await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment);
        await silo.StarAsync(team.Owner.AccessToken, team.ProjectId, comment);
        Assert.Equal(new CommentRowCounts(1, 1, 2), await silo.CommentRowCountsAsync(comment));
        return (team, task, comment);
    }

    [Theory]
    [InlineData("member")] // the author
    [InlineData("admin")]
    [InlineData("owner")]
    public async Task The_author_an_admin_or_an_owner_deletes_a_comment_with_its_versions_and_stars(string role)
    {
        var (team, task, comment) = await StarredEditedCommentAsync();

        await silo.DeleteCommentAsync(team.As(role).AccessToken, team.ProjectId, comment);

        Assert.Equal(new CommentRowCounts(0, 0, 0), await silo.CommentRowCountsAsync(comment));
        var list = await silo.ListCommentsAsync(team.Owner.AccessToken, team.ProjectId, EntityQuery(OnTask, task));
        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal(0, list["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Another_member_or_a_viewer_deleting_is_403_and_nothing_changes(string role)
    {
        var team = await silo.CreateTeamAsync();
        var author = await silo.AddMemberAsync(team.Owner.AccessToken, team.ProjectId, "member");
        var comment = (await silo.CommentOnProjectAsync(author.AccessToken, team.ProjectId, "keep me")).Id();
        await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment);

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var response = await silo.DeleteCommentResponseAsync(team.As(role).AccessToken, team.ProjectId, comment);
            await response.AssertForbiddenAsync();
        });

        Assert.Equal(new CommentRowCounts(1, 0, 1), await silo.CommentRowCountsAsync(comment));
    }

    [Fact]
    public async Task A_deleted_comment_is_404_COMMENT_NOT_FOUND_on_every_route()
    {
        var (team, _, comment) = await StarredEditedCommentAsync();
        await silo.DeleteCommentAsync(team.Member.AccessToken, team.ProjectId, comment);
        var token = team.Member.AccessToken;

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var again = await silo.DeleteCommentResponseAsync(token, team.ProjectId, comment);
            await again.AssertCommentNotFoundAsync();
            using var edit = await silo.EditCommentResponseAsync(token, team.ProjectId, comment, "resurrected");
            await edit.AssertCommentNotFoundAsync();
            using var history = await silo.HistoryResponseAsync(token, team.ProjectId, comment);
            await history.AssertCommentNotFoundAsync();
            using var star = await silo.StarResponseAsync(token, team.ProjectId, comment, starred: true);
            await star.AssertCommentNotFoundAsync();
            using var unstar = await silo.StarResponseAsync(token, team.ProjectId, comment, starred: false);
            await unstar.AssertCommentNotFoundAsync();
        });
    }

    [Fact]
    public async Task A_comment_id_that_never_existed_is_404_COMMENT_NOT_FOUND()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        using var response = await silo.DeleteCommentResponseAsync(owner.AccessToken, projectId, 999_999_999);

        await response.AssertCommentNotFoundAsync();
    }

    [Fact]
    public async Task Deleting_a_task_deletes_its_comments_with_their_versions_and_stars_but_no_other_comment()
    {
        var (team, task, comment) = await StarredEditedCommentAsync();
        var other = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var kept = (await silo.CommentOnTaskAsync(team.Owner.AccessToken, team.ProjectId, other, "on another task")).Id();
        var onProject = (await silo.CommentOnProjectAsync(team.Owner.AccessToken, team.ProjectId, "on the project")).Id();

        await silo.DeleteTaskAsync(team.Owner.AccessToken, team.ProjectId, task);

        Assert.Equal(new CommentRowCounts(0, 0, 0), await silo.CommentRowCountsAsync(comment));
        Assert.Equal(0, await silo.CountAsync("SELECT count(*) FROM comments WHERE task_id = @task", new { task }));
        Assert.Equal(1, (await silo.CommentRowCountsAsync(kept)).Comments);
        Assert.Equal(1, (await silo.CommentRowCountsAsync(onProject)).Comments);
        using var gone = await silo.HistoryResponseAsync(team.Member.AccessToken, team.ProjectId, comment);
        await gone.AssertCommentNotFoundAsync();
        using var listed = await silo.ListCommentsResponseAsync(team.Member.AccessToken, team.ProjectId, EntityQuery(OnTask, task));
        await listed.AssertTaskNotFoundAsync();
    }
}
