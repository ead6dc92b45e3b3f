using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>Creating, reading, changing, archiving and deleting one project.</summary>
public sealed class ProjectsCrudTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task Create_answers_201_with_the_exact_project_and_makes_the_caller_its_owner()
    {
        var user = await silo.RegisterAsync();

        var project = await silo.CreateProjectAsync(user.AccessToken, "Hive Sync Mobile", "The phone app", "MOB");

        Assert.True(project.Id() > 0);
        Assert.Equal("MOB", project["key"]!.GetValue<string>());
        Assert.Equal("Hive Sync Mobile", project["name"]!.GetValue<string>());
        Assert.Equal("The phone app", project["description"]!.GetValue<string>());
        Assert.Equal("owner", project["role"]!.GetValue<string>());
        Assert.False(project["is_favorite"]!.GetValue<bool>());
        Assert.False(project["archived"]!.GetValue<bool>());
        Assert.Null(project["archived_at"]);
        Assert.Empty(project["tags"]!.AsArray());
        Assert.Equal(1, project["member_count"]!.GetValue<int>());
        Assert.Equal(user.UserId, project["created_by"]!.GetValue<long>());
        var created = AssertUtcTimestamp(project["created_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - created, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.True(AssertUtcTimestamp(project["updated_at"]) >= created);
        Assert.Equal("owner", await silo.MemberRoleRowAsync(project.Id(), user.UserId));
    }

    [Fact]
    public async Task Create_without_a_description_stores_an_empty_one()
    {
        var user = await silo.RegisterAsync();

        var project = await silo.CreateProjectAsync(user.AccessToken, "Docs");

        Assert.Equal("", project["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_answers_the_project_exactly_as_created()
    {
        var user = await silo.RegisterAsync();
        var created = await silo.CreateProjectAsync(user.AccessToken, "Telemetry", "Exporters and dashboards");

        var fetched = await silo.GetProjectAsync(user.AccessToken, created.Id());

        Assert.True(JsonNode.DeepEquals(created, fetched), $"{created.ToJsonString()} -> {fetched.ToJsonString()}");
    }

    [Fact]
    public async Task Patch_renames_and_describes_and_keeps_key_creator_and_creation_time()
    {
        var user = await silo.RegisterAsync();
        var before = await silo.CreateProjectAsync(user.AccessToken, "Old name", "Old description");

        var patched = await silo.PatchProjectAsync(user.AccessToken, before.Id(), """{"name":"New name","description":"New description"}""");

        Assert.Equal("New name", patched["name"]!.GetValue<string>());
        Assert.Equal("New description", patched["description"]!.GetValue<string>());
        Assert.Equal(before["key"]!.GetValue<string>(), patched["key"]!.GetValue<string>());
        Assert.Equal(before["created_by"]!.GetValue<long>(), patched["created_by"]!.GetValue<long>());
        Assert.Equal(before["created_at"]!.GetValue<string>(), patched["created_at"]!.GetValue<string>());
        Assert.True(AssertUtcTimestamp(patched["updated_at"]) >= AssertUtcTimestamp(before["updated_at"]));
        Assert.True(JsonNode.DeepEquals(patched, await silo.GetProjectAsync(user.AccessToken, before.Id())));
    }

    [Fact]
    public async Task Patch_leaves_an_absent_field_as_it_was()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken, "Kept name", "Old description");

        var patched = await silo.PatchProjectAsync(user.AccessToken, project.Id(), """{"description":"Only this"}""");

        Assert.Equal("Kept name", patched["name"]!.GetValue<string>());
        Assert.Equal("Only this", patched["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Archive_and_unarchive_answer_the_project_and_set_and_clear_archived_at()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);

        var archived = await silo.ArchiveAsync(user.AccessToken, project.Id());

        Assert.True(archived["archived"]!.GetValue<bool>());
        var archivedAt = AssertUtcTimestamp(archived["archived_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - archivedAt, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.True(JsonNode.DeepEquals(archived, await silo.GetProjectAsync(user.AccessToken, project.Id())));

        using var unarchive = await silo.PostAsync(user.AccessToken, UnarchivePath(project.Id()));
        var unarchived = AssertProject(await unarchive.AssertOkJsonAsync());

        Assert.False(unarchived["archived"]!.GetValue<bool>());
        Assert.Null(unarchived["archived_at"]);
        Assert.True(JsonNode.DeepEquals(unarchived, await silo.GetProjectAsync(user.AccessToken, project.Id())));
    }

    [Fact]
    public async Task Delete_answers_204_then_the_project_is_404_for_everyone_and_its_rows_are_gone_from_every_table()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var member = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "member");
        await silo.CreateTagAsync(owner.AccessToken, project.Id(), "backend");
        await silo.FavoriteAsync(owner.AccessToken, project.Id());
        await silo.FavoriteAsync(member.AccessToken, project.Id());
        var other = await silo.CreateProjectAsync(owner.AccessToken);
        await silo.CreateTagAsync(owner.AccessToken, other.Id(), "backend");
        await silo.FavoriteAsync(owner.AccessToken, other.Id());
        Assert.Equal(new ProjectRowCounts(1, 2, 2, 1), await silo.ProjectRowCountsAsync(project.Id()));

        using (var deleted = await silo.DeleteAsync(owner.AccessToken, ProjectPath(project.Id())))
        {
            await deleted.AssertNoContentAsync();
        }

        Assert.Equal(new ProjectRowCounts(0, 0, 0, 0), await silo.ProjectRowCountsAsync(project.Id()));
        using (var forOwner = await silo.GetAsync(ProjectPath(project.Id()), owner.AccessToken))
        {
            await forOwner.AssertProjectNotFoundAsync();
        }

        using (var forMember = await silo.GetAsync(ProjectPath(project.Id()), member.AccessToken))
        {
            await forMember.AssertProjectNotFoundAsync();
        }

        using (var again = await silo.DeleteAsync(owner.AccessToken, ProjectPath(project.Id())))
        {
            await again.AssertProjectNotFoundAsync();
        }

        Assert.Equal([other.Id()], (await silo.ListProjectsAsync(owner.AccessToken)).Ids());
        Assert.Empty((await silo.ListProjectsAsync(member.AccessToken))["items"]!.AsArray());
        Assert.Equal(new ProjectRowCounts(1, 1, 1, 1), await silo.ProjectRowCountsAsync(other.Id()));
    }

    [Fact]
    public async Task Requests_without_credentials_are_refused_with_401()
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken);

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var list = await silo.SendAsync(new TestRequest(HttpMethod.Get, ProjectsPath));
            await list.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
            using var create = await silo.SendAsync(new TestRequest(HttpMethod.Post, ProjectsPath) { Body = """{"name":"Anonymous"}""" });
            await create.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
            using var delete = await silo.SendAsync(new TestRequest(HttpMethod.Delete, ProjectPath(project.Id())));
            await delete.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
        });
    }
}
