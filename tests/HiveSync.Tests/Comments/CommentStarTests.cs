using System.Text.Json.Nodes;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>Stars are per user and idempotent: <c>star_count</c> counts them, <c>starred_by_me</c> is the viewer's own.</summary>
public sealed class CommentStarTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private static void AssertStars(JsonNode comment, int count, bool mine)
    {
        Assert.Equal(count, comment["star_count"]!.GetValue<int>());
        Assert.Equal(mine, comment["starred_by_me"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_viewer_stars_a_comment_and_starring_again_changes_nothing()
    {
        var team = await silo.CreateTeamAsync();
        var comment = (await silo.CommentOnProjectAsync(team.Member.AccessToken, team.ProjectId)).Id();

        var starred = await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment);
        var again = await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment);

        Assert.Equal(comment, starred.Id());
        AssertStars(starred, 1, mine: true);
        AssertStars(again, 1, mine: true);
        Assert.Equal(1, (await silo.CommentRowCountsAsync(comment)).Stars);
    }

    [Fact]
    public async Task Two_users_starring_count_two_and_each_sees_only_their_own_star_as_theirs()
    {
        var team = await silo.CreateTeamAsync();
        var task = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var comment = (await silo.CommentOnTaskAsync(team.Owner.AccessToken, team.ProjectId, task)).Id();

        AssertStars(await silo.StarAsync(team.Member.AccessToken, team.ProjectId, comment), 1, mine: true);
        AssertStars(await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment), 2, mine: true);

        AssertStars(await silo.CommentAsSeenByAsync(team.Member.AccessToken, team.ProjectId, OnTask, task, comment), 2, mine: true);
        AssertStars(await silo.CommentAsSeenByAsync(team.Viewer.AccessToken, team.ProjectId, OnTask, task, comment), 2, mine: true);
        AssertStars(await silo.CommentAsSeenByAsync(team.Owner.AccessToken, team.ProjectId, OnTask, task, comment), 2, mine: false);
        AssertStars(await silo.CommentAsSeenByAsync(team.Admin.AccessToken, team.ProjectId, OnTask, task, comment), 2, mine: false);
    }

    [Fact]
    public async Task Unstarring_removes_only_the_callers_star_and_unstarring_again_changes_nothing()
    {
        var team = await silo.CreateTeamAsync();
        var comment = (await silo.CommentOnProjectAsync(team.Admin.AccessToken, team.ProjectId)).Id();
        await silo.StarAsync(team.Member.AccessToken, team.ProjectId, comment);
        await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment);

        var unstarred = await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment, starred: false);
        var again = await silo.StarAsync(team.Viewer.AccessToken, team.ProjectId, comment, starred: false);

        AssertStars(unstarred, 1, mine: false);
        AssertStars(again, 1, mine: false);
        AssertStars(await silo.CommentAsSeenByAsync(team.Member.AccessToken, team.ProjectId, OnProject, team.ProjectId, comment), 1, mine: true);
        Assert.Equal(1, (await silo.CommentRowCountsAsync(comment)).Stars);
    }

    [Fact]
    public async Task Unstarring_a_comment_never_starred_answers_it_unstarred()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var comment = (await silo.CommentOnProjectAsync(owner.AccessToken, projectId)).Id();

        var unstarred = await silo.StarAsync(owner.AccessToken, projectId, comment, starred: false);

        AssertStars(unstarred, 0, mine: false);
        Assert.Equal(0, (await silo.CommentRowCountsAsync(comment)).Stars);
    }

    [Fact]
    public async Task An_author_may_star_their_own_comment()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var comment = (await silo.CommentOnProjectAsync(owner.AccessToken, projectId)).Id();

        AssertStars(await silo.StarAsync(owner.AccessToken, projectId, comment), 1, mine: true);
    }
}
