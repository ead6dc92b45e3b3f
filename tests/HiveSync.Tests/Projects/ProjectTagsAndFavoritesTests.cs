using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>A project's tags (per project, unique ignoring case) and each user's favorites.</summary>
public sealed class ProjectTagsAndFavoritesTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private async Task<long> FavoriteRowsAsync(long userId, long projectId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM project_favorites WHERE user_id = @userId AND project_id = @projectId", new { userId, projectId });
    }

    [Fact]
    public async Task A_created_tag_is_answered_listed_and_carried_by_the_project()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);

        var tag = await silo.CreateTagAsync(user.AccessToken, project.Id(), "backend");

        Assert.True(tag.Id() > 0);
        Assert.Equal("backend", tag["name"]!.GetValue<string>());
        var created = AssertUtcTimestamp(tag["created_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - created, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        var list = await silo.ListTagsAsync(user.AccessToken, project.Id());
        Assert.True(JsonNode.DeepEquals(tag, Assert.Single(list["items"]!.AsArray())), list.ToJsonString());
        Assert.Equal(1, list["total"]!.GetValue<int>());
        Assert.Equal(["backend"], (await silo.GetProjectAsync(user.AccessToken, project.Id())).TagNames());
    }

    [Fact]
    public async Task Tags_are_listed_by_name()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);
        foreach (var name in new[] { "zeta", "alpha", "mu" })
        {
            await silo.CreateTagAsync(user.AccessToken, project.Id(), name);
        }

        var list = await silo.ListTagsAsync(user.AccessToken, project.Id());

        Assert.Equal(["alpha", "mu", "zeta"], list.Names());
        Assert.Equal(3, list["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("backend")]
    [InlineData("Backend")]
    [InlineData("BACKEND")]
    public async Task A_tag_name_the_project_has_ignoring_case_is_409_and_adds_nothing(string duplicate)
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);
        await silo.CreateTagAsync(user.AccessToken, project.Id(), "backend");

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.CreateTagResponseAsync(user.AccessToken, project.Id(), duplicate);
            await response.AssertConflictAsync();
        });
    }

    [Fact]
    public async Task Two_projects_may_have_a_tag_of_the_same_name()
    {
        var user = await silo.RegisterAsync();
        var first = await silo.CreateProjectAsync(user.AccessToken);
        var second = await silo.CreateProjectAsync(user.AccessToken);

        var one = await silo.CreateTagAsync(user.AccessToken, first.Id(), "shared");
        var other = await silo.CreateTagAsync(user.AccessToken, second.Id(), "shared");

        Assert.NotEqual(one.Id(), other.Id());
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{}""", "name")]
    [InlineData("""{"name":7}""", "name")]
    [InlineData("""{"name":"ok","color":"red"}""", "color")]
    public async Task A_bad_tag_body_is_a_validation_error_that_adds_nothing(string json, string field)
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.PostAsync(user.AccessToken, TagsPath(project.Id()), json);
            await response.AssertValidationErrorAsync(field);
        });
    }

    [Fact]
    public async Task A_tag_name_of_50_characters_is_accepted_and_51_is_refused()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);

        await silo.CreateTagAsync(user.AccessToken, project.Id(), new string('t', 50));
        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.CreateTagResponseAsync(user.AccessToken, project.Id(), new string('u', 51));
            await response.AssertValidationErrorAsync("name");
        });
    }

    [Fact]
    public async Task Deleting_a_tag_answers_204_removes_it_and_a_second_delete_is_404_TAG_NOT_FOUND()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);
        var doomed = await silo.CreateTagAsync(user.AccessToken, project.Id(), "doomed");
        await silo.CreateTagAsync(user.AccessToken, project.Id(), "kept");

        using (var deleted = await silo.DeleteAsync(user.AccessToken, TagPath(project.Id(), doomed.Id())))
        {
            await deleted.AssertNoContentAsync();
        }

        Assert.Equal(["kept"], (await silo.ListTagsAsync(user.AccessToken, project.Id())).Names());
        Assert.Equal(["kept"], (await silo.GetProjectAsync(user.AccessToken, project.Id())).TagNames());
        Assert.Empty((await silo.ListProjectsAsync(user.AccessToken, "tag=doomed"))["items"]!.AsArray());
        using var again = await silo.DeleteAsync(user.AccessToken, TagPath(project.Id(), doomed.Id()));
        await again.AssertErrorAsync(HttpStatusCode.NotFound, "TAG_NOT_FOUND");
    }

    [Fact]
    public async Task A_tag_of_another_project_is_404_TAG_NOT_FOUND_and_stays()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);
        var other = await silo.CreateProjectAsync(user.AccessToken);
        var othersTag = await silo.CreateTagAsync(user.AccessToken, other.Id(), "elsewhere");

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.DeleteAsync(user.AccessToken, TagPath(project.Id(), othersTag.Id()));
            await response.AssertErrorAsync(HttpStatusCode.NotFound, "TAG_NOT_FOUND");
            using var unknown = await silo.DeleteAsync(user.AccessToken, TagPath(project.Id(), long.MaxValue));
            await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "TAG_NOT_FOUND");
        });
    }

    [Fact]
    public async Task Favorite_marks_the_project_for_the_caller_only_and_is_idempotent()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var member = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "member");

        await silo.FavoriteAsync(owner.AccessToken, project.Id());
        await silo.FavoriteAsync(owner.AccessToken, project.Id());

        Assert.True((await silo.GetProjectAsync(owner.AccessToken, project.Id()))["is_favorite"]!.GetValue<bool>());
        Assert.False((await silo.GetProjectAsync(member.AccessToken, project.Id()))["is_favorite"]!.GetValue<bool>());
        Assert.True(Assert.Single((await silo.ListProjectsAsync(owner.AccessToken))["items"]!.AsArray())!["is_favorite"]!.GetValue<bool>());
        Assert.Equal(1, await FavoriteRowsAsync(owner.UserId, project.Id()));
        Assert.Equal(0, await FavoriteRowsAsync(member.UserId, project.Id()));
    }

    [Fact]
    public async Task Unfavorite_clears_the_mark_and_is_idempotent()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);
        await silo.FavoriteAsync(user.AccessToken, project.Id());

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await silo.DeleteAsync(user.AccessToken, FavoritePath(project.Id()));
            await response.AssertNoContentAsync();
        }

        Assert.False((await silo.GetProjectAsync(user.AccessToken, project.Id()))["is_favorite"]!.GetValue<bool>());
        Assert.Equal(0, await FavoriteRowsAsync(user.UserId, project.Id()));
    }

    [Fact]
    public async Task Unfavoriting_a_project_that_was_never_a_favorite_is_204_and_changes_nothing()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.DeleteAsync(user.AccessToken, FavoritePath(project.Id()));
            await response.AssertNoContentAsync();
        });
    }
}
