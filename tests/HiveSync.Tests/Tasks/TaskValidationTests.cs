using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>A create or a change the rules refuse is 400 VALIDATION_ERROR naming the field, and writes nothing.</summary>
public sealed class TaskValidationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    /// <summary>A project with one task, one label, a member, and a label and a user the project does not hold.</summary>
    private async Task<(SignedIn Owner, long ProjectId, long TaskId, long ForeignLabelId, long StrangerId)> SetUpAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await silo.CreateLabelAsync(owner.AccessToken, projectId, "own");
        var taskId = (await silo.CreateTaskAsync(owner.AccessToken, projectId, "Existing")).Id();
        var (stranger, otherProject) = await silo.OwnProjectAsync();
        var foreignLabel = await silo.CreateLabelAsync(stranger.AccessToken, otherProject, "foreign");
        return (owner, projectId, taskId, foreignLabel.Id(), stranger.UserId);
    }

    private static string Fill(string body, long foreignLabelId, long strangerId) => body
        .Replace("{foreign_label}", Text(foreignLabelId), StringComparison.Ordinal)
        .Replace("{stranger}", Text(strangerId), StringComparison.Ordinal)
        .Replace("{long_title}", new string('t', 201), StringComparison.Ordinal)
        .Replace("{long_description}", new string('d', 20_001), StringComparison.Ordinal);

    /// <summary>Bodies both create and patch refuse, with the field each must name.</summary>
    public static TheoryData<string, string> BadFields { get; } = new()
    {
        { """{"title":""}""", "title" },
        { """{"title":"{long_title}"}""", "title" },
        { """{"title":null}""", "title" },
        { """{"title":5}""", "title" },
        { """{"title":"ok","description":"{long_description}"}""", "description" },
        { """{"title":"ok","status":"open"}""", "status" },
        { """{"title":"ok","status":"DONE"}""", "status" },
        { """{"title":"ok","priority":"critical"}""", "priority" },
        { """{"title":"ok","priority":""}""", "priority" },
        { """{"title":"ok","due_date":"tomorrow"}""", "due_date" },
        { """{"title":"ok","due_date":"2030-13-01"}""", "due_date" },
        { """{"title":"ok","due_date":"2030-02-30"}""", "due_date" },
        { """{"title":"ok","due_date":"2030-01-01T00:00:00Z"}""", "due_date" },
        { """{"title":"ok","due_date":"01/02/2030"}""", "due_date" },
        { """{"title":"ok","due_date":20300101}""", "due_date" },
        { """{"title":"ok","assignee_ids":[{stranger}]}""", "assignee_ids" },
        { """{"title":"ok","assignee_ids":["x"]}""", "assignee_ids" },
        { """{"title":"ok","assignee_ids":7}""", "assignee_ids" },
        { """{"title":"ok","label_ids":[{foreign_label}]}""", "label_ids" },
        { """{"title":"ok","label_ids":[999999999]}""", "label_ids" },
        { """{"title":"ok","label_ids":"1"}""", "label_ids" },
        { """{"title":"ok","bogus":1}""", "bogus" },
        { """{"title":"ok","number":7}""", "number" },
        { """{"title":"ok","key":"KEY-7"}""", "key" },
        { """{"title":"ok","project_id":1}""", "project_id" },
        { """{"title":"ok","created_by":1}""", "created_by" },
        { """{"title":"ok","completed_at":"2030-01-01T00:00:00Z"}""", "completed_at" },
        { """{"title":"ok","depends_on":[1]}""", "depends_on" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_refused_create_names_the_field_and_writes_nothing(string body, string field)
    {
        var (owner, projectId, _, foreignLabel, stranger) = await SetUpAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.CreateTaskResponseAsync(owner.AccessToken, projectId, Fill(body, foreignLabel, stranger));
            await response.AssertFieldRefusedAsync(field);
        });
    }

    /// <summary>Nulls a patch refuses (only <c>due_date</c> may be cleared); a create takes them as absent fields.</summary>
    public static TheoryData<string, string> BadPatchNulls { get; } = new()
    {
        { """{"status":null}""", "status" },
        { """{"priority":null}""", "priority" },
        { """{"description":null}""", "description" },
        { """{"assignee_ids":null}""", "assignee_ids" },
        { """{"label_ids":null}""", "label_ids" },
        { """{"override_blockers":"yes"}""", "override_blockers" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    [MemberData(nameof(BadPatchNulls))]
    public async Task A_refused_patch_names_the_field_and_changes_nothing(string body, string field)
    {
        var (owner, projectId, taskId, foreignLabel, stranger) = await SetUpAsync();
        var before = await silo.GetTaskAsync(owner.AccessToken, projectId, taskId);

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.PatchTaskResponseAsync(owner.AccessToken, projectId, taskId, Fill(body, foreignLabel, stranger));
            await response.AssertFieldRefusedAsync(field);
        });
        Assert.True(JsonNode.DeepEquals(before, await silo.GetTaskAsync(owner.AccessToken, projectId, taskId)));
    }

    [Fact]
    public async Task Create_without_a_title_names_it()
    {
        var (owner, projectId, _, _, _) = await SetUpAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.CreateTaskResponseAsync(owner.AccessToken, projectId, """{"description":"no title"}""");
            await response.AssertValidationErrorAsync("title");
        });
    }

    [Fact]
    public async Task Create_does_not_know_override_blockers()
    {
        var (owner, projectId, _, _, _) = await SetUpAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.CreateTaskResponseAsync(owner.AccessToken, projectId, """{"title":"ok","override_blockers":true}""");
            await response.AssertValidationErrorAsync("override_blockers");
        });
    }

    [Fact]
    public async Task A_title_of_200_characters_and_a_description_of_20000_are_accepted()
    {
        var (owner, projectId, _, _, _) = await SetUpAsync();

        var task = await silo.CreateTaskAsync(owner.AccessToken, projectId, fields: new JsonObject
        {
            ["title"] = new string('t', 200),
            ["description"] = new string('d', 20_000),
        });

        Assert.Equal(200, task["title"]!.GetValue<string>().Length);
        Assert.Equal(20_000, task["description"]!.GetValue<string>().Length);
    }

    private static readonly string[] NotObjects = ["{", "[]", "\"title\"", "{\"title\":\"ok\",}"];

    [Fact]
    public async Task A_body_that_is_not_a_json_object_is_a_validation_error_and_writes_nothing()
    {
        var (owner, projectId, taskId, _, _) = await SetUpAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            foreach (var body in NotObjects)
            {
                using var create = await silo.CreateTaskResponseAsync(owner.AccessToken, projectId, body);
                await create.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
                using var patch = await silo.PatchTaskResponseAsync(owner.AccessToken, projectId, taskId, body);
                await patch.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
            }
        });
    }
}
