using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>Comments on a task or on the project: created as 201 with exactly the comment's keys, listed per entity oldest first.</summary>
public sealed class CommentCreateAndListTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task A_comment_on_a_task_answers_201_with_exactly_the_comment_fields()
    {
        var team = await silo.CreateTeamAsync();
        var task = await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId);

        var comment = await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, task.Id(), "First line\nsecond line");

        Assert.Equal(team.ProjectId, comment["project_id"]!.GetValue<long>());
        Assert.Equal(OnTask, comment["entity_type"]!.GetValue<string>());
        Assert.Equal(task.Id(), comment["entity_id"]!.GetValue<long>());
        Assert.Equal(team.Member.UserId, comment["author_id"]!.GetValue<long>());
        Assert.Equal("First line\nsecond line", comment["body"]!.GetValue<string>());
        Assert.False(comment["edited"]!.GetValue<bool>());
        Assert.Null(comment["edited_at"]);
        Assert.Equal(0, comment["star_count"]!.GetValue<int>());
        Assert.False(comment["starred_by_me"]!.GetValue<bool>());
        Assert.Equal(AssertUtcTimestamp(comment["created_at"]), AssertUtcTimestamp(comment["updated_at"]));
    }

    [Fact]
    public async Task A_comment_on_the_project_has_the_projects_id_as_its_entity_id()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        var comment = await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "About the whole project");

        Assert.Equal(OnProject, comment["entity_type"]!.GetValue<string>());
        Assert.Equal(projectId, comment["entity_id"]!.GetValue<long>());
        Assert.Equal(projectId, comment["project_id"]!.GetValue<long>());
        Assert.Equal(owner.UserId, comment["author_id"]!.GetValue<long>());
        Assert.Equal("About the whole project", comment["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Listing_by_entity_answers_only_that_entitys_comments_oldest_first()
    {
        var team = await silo.CreateTeamAsync();
        var first = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, "first")).Id();
        var second = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId, "second")).Id();
        await silo.CommentOnTaskAsync(team.Owner.AccessToken, team.ProjectId, first, "a1");
        await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, second, "b1");
        await silo.CommentOnProjectAsync(team.Admin.AccessToken, team.ProjectId, "p1");
        await silo.CommentOnTaskAsync(team.Admin.AccessToken, team.ProjectId, first, "a2");
        await silo.CommentOnProjectAsync(team.Member.AccessToken, team.ProjectId, "p2");
        await silo.CommentOnTaskAsync(team.Member.AccessToken, team.ProjectId, first, "a3");

        var onFirst = await silo.ListCommentsAsync(team.Viewer.AccessToken, team.ProjectId, EntityQuery(OnTask, first));
        var onSecond = await silo.ListCommentsAsync(team.Viewer.AccessToken, team.ProjectId, EntityQuery(OnTask, second));
        var onProject = await silo.ListCommentsAsync(team.Viewer.AccessToken, team.ProjectId, EntityQuery(OnProject, team.ProjectId));

        Assert.Equal(["a1", "a2", "a3"], onFirst.Bodies());
        Assert.Equal(["b1"], onSecond.Bodies());
        Assert.Equal(["p1", "p2"], onProject.Bodies());
        Assert.All(onFirst["items"]!.AsArray(), c => Assert.Equal(first, c!["entity_id"]!.GetValue<long>()));
        Assert.All(onProject["items"]!.AsArray(), c => Assert.Equal(OnProject, c!["entity_type"]!.GetValue<string>()));
        Assert.Equal(3, onFirst["total"]!.GetValue<long>());
        Assert.Equal(2, onProject["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_list_pages_with_the_total_of_the_entitys_comments()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id();
        foreach (var body in new[] { "one", "two", "three", "four", "five" })
        {
            await silo.CommentOnTaskAsync(owner.AccessToken, projectId, task, body);
        }

        await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "not on the task");

        var page1 = await silo.ListCommentsAsync(owner.AccessToken, projectId, EntityQuery(OnTask, task) + "&page=1&page_size=2");
        var page3 = await silo.ListCommentsAsync(owner.AccessToken, projectId, EntityQuery(OnTask, task) + "&page=3&page_size=2");
        var beyond = await silo.ListCommentsAsync(owner.AccessToken, projectId, EntityQuery(OnTask, task) + "&page=4&page_size=2");

        Assert.Equal(["one", "two"], page1.Bodies());
        Assert.Equal(["five"], page3.Bodies());
        Assert.Empty(beyond["items"]!.AsArray());
        foreach (var (page, number) in new[] { (page1, 1), (page3, 3), (beyond, 4) })
        {
            Assert.Equal(5, page["total"]!.GetValue<long>());
            Assert.Equal(number, page["page"]!.GetValue<int>());
            Assert.Equal(2, page["page_size"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_task_or_project_without_comments_lists_none()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id();

        var onTask = await silo.ListCommentsAsync(owner.AccessToken, projectId, EntityQuery(OnTask, task));
        var onProject = await silo.ListCommentsAsync(owner.AccessToken, projectId, EntityQuery(OnProject, projectId));

        Assert.Empty(onTask["items"]!.AsArray());
        Assert.Equal(0, onTask["total"]!.GetValue<long>());
        Assert.Empty(onProject["items"]!.AsArray());
    }

    [Theory]
    [InlineData("entity_id=1", "entity_type")]
    [InlineData("entity_type=&entity_id=1", "entity_type")]
    [InlineData("entity_type=bogus&entity_id=1", "entity_type")]
    [InlineData("entity_type=TASK&entity_id=1", "entity_type")]
    [InlineData("entity_type=task", "entity_id")]
    [InlineData("entity_type=task&entity_id=", "entity_id")]
    [InlineData("entity_type=task&entity_id=abc", "entity_id")]
    [InlineData("entity_type=task&entity_id=1.5", "entity_id")]
    [InlineData("entity_type=project&entity_id=-1", "entity_id")]
    [InlineData("entity_type=task&entity_id=99999999999999999999", "entity_id")]
    [InlineData("entity_type=project&entity_id={project}&page=0", "page")]
    [InlineData("entity_type=project&entity_id={project}&page_size=101", "page_size")]
    public async Task A_missing_or_bad_list_parameter_is_400_naming_it(string query, string parameter)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await silo.CommentOnProjectAsync(owner.AccessToken, projectId);

        using var response = await silo.ListCommentsResponseAsync(owner.AccessToken, projectId, query.Replace("{project}", Text(projectId), StringComparison.Ordinal));

        await response.AssertValidationErrorAsync(parameter);
    }

    [Fact]
    public async Task Without_both_parameters_the_list_names_both()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        using var response = await silo.ListCommentsResponseAsync(owner.AccessToken, projectId, "");

        await response.AssertValidationErrorAsync("entity_type", "entity_id");
    }
}
