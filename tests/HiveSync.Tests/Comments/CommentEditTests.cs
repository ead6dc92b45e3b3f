using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>Only the author edits; every body a comment had is kept in its history, oldest first, the current one last.</summary>
public sealed class CommentEditTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task The_author_edits_the_body_and_the_comment_shows_it_was_edited()
    {
        var team = await silo.CreateTeamAsync();
        var task = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var original = await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, task, "Frist draft");

        var edited = await silo.EditCommentAsync(team.Member.AccessToken, team.ProjectId, original.Id(), "First draft\nwith a second line");

        Assert.Equal(original.Id(), edited.Id());
        Assert.Equal("First draft\nwith a second line", edited["body"]!.GetValue<string>());
        Assert.True(edited["edited"]!.GetValue<bool>());
        var editedAt = AssertUtcTimestamp(edited["edited_at"]);
        Assert.True(editedAt >= AssertUtcTimestamp(original["created_at"]), $"edited_at {editedAt} before created_at");
        Assert.Equal(original["created_at"]!.GetValue<string>(), edited["created_at"]!.GetValue<string>());
        Assert.Equal(team.Member.UserId, edited["author_id"]!.GetValue<long>());
        var seen = await silo.CommentAsSeenByAsync(team.Viewer.AccessToken, team.ProjectId, OnTask, task, original.Id());
        Assert.Equal("First draft\nwith a second line", seen["body"]!.GetValue<string>());
        Assert.True(seen["edited"]!.GetValue<bool>());
        Assert.Equal(edited["edited_at"]!.GetValue<string>(), seen["edited_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_history_lists_every_version_oldest_first_with_the_current_one_last()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var comment = await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "v1");
        await silo.EditCommentAsync(owner.AccessToken, projectId, comment.Id(), "v2");
        var current = await silo.EditCommentAsync(owner.AccessToken, projectId, comment.Id(), "v3");

        var history = await silo.HistoryAsync(owner.AccessToken, projectId, comment.Id());

        Assert.Equal(["v1", "v2", "v3"], history.Bodies());
        Assert.Equal(3, history["total"]!.GetValue<long>());
        var items = history["items"]!.AsArray();
        var versions = items.Select(v => v!["version"]!.GetValue<int>()).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        var written = items.Select(v => AssertUtcTimestamp(v!["written_at"])).ToList();
        Assert.Equal(written.Order(), written);
        Assert.Equal(AssertUtcTimestamp(comment["created_at"]), written[0]);
        Assert.Equal(AssertUtcTimestamp(current["edited_at"]), written[^1]);
    }

    [Fact]
    public async Task An_unedited_comment_has_one_version_its_body()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var comment = await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "only version");

        var history = await silo.HistoryAsync(owner.AccessToken, projectId, comment.Id());

        Assert.Equal(["only version"], history.Bodies());
        Assert.Equal(AssertUtcTimestamp(comment["created_at"]), AssertUtcTimestamp(history["items"]![0]!["written_at"]));
    }

    [Fact]
    public async Task Viewers_read_the_history()
    {
        var team = await silo.CreateTeamAsync();
        var comment = await silo.CommentOnProjectAsync(team.Admin.AccessToken, team.ProjectId, "before");
        await silo.EditCommentAsync(team.Admin.AccessToken, team.ProjectId, comment.Id(), "after");

        var history = await silo.HistoryAsync(team.Viewer.AccessToken, team.ProjectId, comment.Id());

        Assert.Equal(["before", "after"], history.Bodies());
    }

    [Fact]
    public async Task An_edit_to_the_same_body_adds_no_version()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var comment = await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "v1");
        await silo.EditCommentAsync(owner.AccessToken, projectId, comment.Id(), "v2");

        var same = await silo.EditCommentAsync(owner.AccessToken, projectId, comment.Id(), "v2");

        Assert.Equal("v2", same["body"]!.GetValue<string>());
        var history = await silo.HistoryAsync(owner.AccessToken, projectId, comment.Id());
        Assert.Equal(["v1", "v2"], history.Bodies());
        Assert.Equal(1, (await silo.CommentRowCountsAsync(comment.Id())).Versions);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Anyone_but_the_author_editing_is_403_and_nothing_changes(string role)
    {
        var team = await silo.CreateTeamAsync();
        var author = await silo.AddMemberAsync(team.Owner.AccessToken, team.ProjectId, "member");
        var task = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var comment = await silo.CommentOnTaskAsync(author.AccessToken, team.ProjectId, task, "mine");

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var response = await silo.EditCommentResponseAsync(team.As(role).AccessToken, team.ProjectId, comment.Id(), "hijacked");
            await response.AssertForbiddenAsync();
        });

        var history = await silo.HistoryAsync(author.AccessToken, team.ProjectId, comment.Id());
        Assert.Equal(["mine"], history.Bodies());
    }
}
