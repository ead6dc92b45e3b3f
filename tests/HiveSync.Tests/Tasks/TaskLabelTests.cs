using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary><c>/tasks/labels</c>: a project's labels, created by members, deleted by admins, leaving every task when deleted.</summary>
public sealed class TaskLabelTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task Create_answers_201_with_the_exact_label()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        var label = await silo.CreateLabelAsync(owner.AccessToken, projectId, "Backend", "#12AB9f");

        Assert.True(label.Id() > 0);
        Assert.Equal("Backend", label["name"]!.GetValue<string>());
        Assert.Equal("#12AB9F", label["color"]!.GetValue<string>(), ignoreCase: true);
        var created = AssertUtcTimestamp(label["created_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - created, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.Equal(1, await silo.CountAsync("SELECT count(*) FROM labels WHERE project_id = @projectId", new { projectId }));
    }

    [Fact]
    public async Task The_list_holds_the_projects_labels_by_name()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var (stranger, otherProject) = await silo.OwnProjectAsync();
        var zeta = await silo.CreateLabelAsync(owner.AccessToken, projectId, "zeta");
        await silo.CreateLabelAsync(owner.AccessToken, projectId, "alpha");
        await silo.CreateLabelAsync(owner.AccessToken, projectId, "mid");
        await silo.CreateLabelAsync(stranger.AccessToken, otherProject, "beta");

        var list = await silo.ListLabelsAsync(owner.AccessToken, projectId);

        Assert.Equal(["alpha", "mid", "zeta"], list.Names());
        Assert.Equal(3, list["total"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(zeta, list["items"]![2]));
    }

    [Theory]
    [InlineData("backend", "backend")]
    [InlineData("backend", "BACKEND")]
    [InlineData("Backend", "bAcKeNd")]
    public async Task A_name_taken_ignoring_case_is_409_and_writes_nothing(string first, string second)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await silo.CreateLabelAsync(owner.AccessToken, projectId, first);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.CreateLabelResponseAsync(owner.AccessToken, projectId, second, "#000000");
            await response.AssertConflictAsync();
        });
    }

    [Fact]
    public async Task The_same_name_may_be_used_in_another_project()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var otherProject = (await silo.CreateProjectAsync(owner.AccessToken, key: "OTHER")).Id();
        await silo.CreateLabelAsync(owner.AccessToken, projectId, "shared");

        var other = await silo.CreateLabelAsync(owner.AccessToken, otherProject, "Shared");

        Assert.Equal("Shared", other["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"name":"ok","color":"red"}""", "color")]
    [InlineData("""{"name":"ok","color":"#FFF"}""", "color")]
    [InlineData("""{"name":"ok","color":"FF0000"}""", "color")]
    [InlineData("""{"name":"ok","color":"#GG0000"}""", "color")]
    [InlineData("""{"name":"ok","color":"#FF00001"}""", "color")]
    [InlineData("""{"name":"ok","color":""}""", "color")]
    [InlineData("""{"name":"ok","color":null}""", "color")]
    [InlineData("""{"name":"ok"}""", "color")]
    [InlineData("""{"name":"","color":"#000000"}""", "name")]
    [InlineData("""{"color":"#000000"}""", "name")]
    [InlineData("""{"name":"123456789012345678901234567890123456789012345678901","color":"#000000"}""", "name")]
    [InlineData("""{"name":"ok","color":"#000000","bogus":1}""", "bogus")]
    public async Task A_refused_label_names_the_field_and_writes_nothing(string body, string field)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.PostAsync(owner.AccessToken, LabelsPath(projectId), body);
            await response.AssertValidationErrorAsync(field);
        });
    }

    [Fact]
    public async Task A_name_of_50_characters_is_accepted()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        var label = await silo.CreateLabelAsync(owner.AccessToken, projectId, new string('n', 50));

        Assert.Equal(50, label["name"]!.GetValue<string>().Length);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("owner")]
    public async Task An_admin_or_owner_deletes_a_label_and_it_leaves_every_task_that_carried_it(string role)
    {
        var team = await silo.CreateTeamAsync();
        var id = team.ProjectId;
        var doomed = await silo.CreateLabelAsync(team.Member.AccessToken, id, "doomed");
        var kept = await silo.CreateLabelAsync(team.Member.AccessToken, id, "kept");
        var both = await silo.CreateTaskAsync(team.Member.AccessToken, id, "both", new JsonObject { ["label_ids"] = new JsonArray(doomed.Id(), kept.Id()) });
        var only = await silo.CreateTaskAsync(team.Member.AccessToken, id, "only", new JsonObject { ["label_ids"] = new JsonArray(doomed.Id()) });

        using (var response = await silo.DeleteAsync(team.As(role).AccessToken, LabelPath(id, doomed.Id())))
        {
            await response.AssertNoContentAsync();
        }

        Assert.Equal([kept.Id()], (await silo.GetTaskAsync(team.Member.AccessToken, id, both.Id()))["label_ids"].Longs());
        Assert.Empty((await silo.GetTaskAsync(team.Member.AccessToken, id, only.Id()))["label_ids"].Longs());
        Assert.Equal(["kept"], (await silo.ListLabelsAsync(team.Viewer.AccessToken, id)).Names());
        Assert.Equal(0, await silo.CountAsync("SELECT count(*) FROM task_labels WHERE label_id = @id", new { id = doomed.Id() }));
        Assert.Empty((await silo.ListTasksAsync(team.Member.AccessToken, id, "labels=" + Text(doomed.Id())))["items"]!.AsArray());
        using var again = await silo.DeleteAsync(team.Owner.AccessToken, LabelPath(id, doomed.Id()));
        await again.AssertErrorAsync(HttpStatusCode.NotFound, "LABEL_NOT_FOUND");
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task A_member_or_viewer_cannot_delete_a_label_and_nothing_changes(string role)
    {
        var team = await silo.CreateTeamAsync();
        var label = await silo.CreateLabelAsync(team.Member.AccessToken, team.ProjectId, "mine");
        await silo.CreateTaskAsync(team.Member.AccessToken, team.ProjectId, fields: new JsonObject { ["label_ids"] = new JsonArray(label.Id()) });

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.DeleteAsync(team.As(role).AccessToken, LabelPath(team.ProjectId, label.Id()));
            await response.AssertForbiddenAsync();
        });
    }

    [Fact]
    public async Task Deleting_an_unknown_label_or_one_of_another_project_is_404_LABEL_NOT_FOUND()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var otherProject = (await silo.CreateProjectAsync(owner.AccessToken, key: "OTHER")).Id();
        var foreign = await silo.CreateLabelAsync(owner.AccessToken, otherProject, "foreign");

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var unknown = await silo.DeleteAsync(owner.AccessToken, LabelPath(projectId, 999_999_999));
            await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "LABEL_NOT_FOUND");
            using var elsewhere = await silo.DeleteAsync(owner.AccessToken, LabelPath(projectId, foreign.Id()));
            await elsewhere.AssertErrorAsync(HttpStatusCode.NotFound, "LABEL_NOT_FOUND");
        });
    }

    [Fact]
    public async Task A_label_reads_with_a_strong_etag_and_a_delete_with_another_labels_etag_is_412_and_keeps_it()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        using var created = await silo.CreateLabelResponseAsync(owner.AccessToken, projectId, "tagged");
        var label = (await created.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!;
        var other = await silo.CreateLabelAsync(owner.AccessToken, projectId, "other");

        using var read = await silo.GetAsync(LabelPath(projectId, label.Id()), owner.AccessToken);
        Assert.True(JsonNode.DeepEquals(label, (await read.AssertOkJsonAsync())["data"]));
        var etag = read.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal(created.Headers.ETag!.Tag, etag.Tag);
        using var otherRead = await silo.GetAsync(LabelPath(projectId, other.Id()), owner.AccessToken);
        Assert.NotEqual(etag.Tag, otherRead.Headers.ETag!.Tag);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var foreign = await DeleteIfMatchAsync(owner.AccessToken, LabelPath(projectId, label.Id()), otherRead.Headers.ETag!.Tag);
            await foreign.AssertErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
            using var malformed = await DeleteIfMatchAsync(owner.AccessToken, LabelPath(projectId, label.Id()), "W/" + etag.Tag);
            await malformed.AssertErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        });

        using var deleted = await DeleteIfMatchAsync(owner.AccessToken, LabelPath(projectId, label.Id()), etag.Tag);
        await deleted.AssertNoContentAsync();
        using var gone = await silo.GetAsync(LabelPath(projectId, label.Id()), owner.AccessToken);
        await gone.AssertErrorAsync(HttpStatusCode.NotFound, "LABEL_NOT_FOUND");
    }

    private Task<HttpResponseMessage> DeleteIfMatchAsync(string token, string path, string ifMatch) =>
        silo.SendAsync(new TestRequest(HttpMethod.Delete, path) { Bearer = token, Headers = new Dictionary<string, string> { ["If-Match"] = ifMatch } });
}
