using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Tasks;

/// <summary><c>/api/v1/projects/{project_id}/tasks/labels</c>: the labels a project's tasks can carry.</summary>
public static class TaskLabelsApi
{
    private const long LabelVersion = 1;

    public static IEndpointRouteBuilder MapTaskLabelsApi(this IEndpointRouteBuilder tasks)
    {
        var labels = tasks.MapGroup("/labels").WithTags("Tasks");
        labels.MapGet("/", List).Describe("listLabels", "A project's task labels, by name").ProducesErrors(400);
        labels.MapPost("/", Create).WithIdempotency().Describe("createLabel", "Create a task label (member)").ProducesErrors(400, 403, 409, 413, 415);
        labels.MapGet("/{label_id:long}", Get).Describe("getLabel", "One label, with its ETag");
        labels.MapDelete("/{label_id:long}", Delete).Describe("deleteLabel", "Delete a label; it leaves every task (admin; If-Match honoured)").ProducesErrors(403, 409, 412);
        return tasks;
    }

    public static async Task<Ok<PageEnvelope<LabelResponse>>> List([AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var labels = await scope.Grains.GetTasks().ListLabels(scope.CallerId, scope.ProjectId);
        return TypedResults.Ok(labels.Select(LabelResponse.From).ToList().ToPage(page));
    }

    public static async Task<Ok<DataEnvelope<LabelResponse>>> Get([FromRoute(Name = "label_id")] long labelId, [AsParameters] ProjectScope scope)
    {
        var label = await scope.Grains.GetTasks().GetLabel(scope.CallerId, scope.ProjectId, labelId);
        return scope.Http.Tagged(TypedResults.Ok(new DataEnvelope<LabelResponse>(LabelResponse.From(label))), EntityTags.Label, label.Id, LabelVersion);
    }

    public static async Task<Created<DataEnvelope<LabelResponse>>> Create(LabelRequest request, [AsParameters] ProjectScope scope)
    {
        var label = await scope.Grains.GetTasks().AddLabel(scope.CallerId, scope.ProjectId, request.Name ?? "", request.Color ?? "");
        var created = TypedResults.Created($"{HiveSyncApi.ApiBasePath}/projects/{scope.ProjectId}/tasks/labels/{label.Id}", new DataEnvelope<LabelResponse>(LabelResponse.From(label)));
        return scope.Http.Tagged(created, EntityTags.Label, label.Id, LabelVersion);
    }

    public static async Task<NoContent> Delete([FromRoute(Name = "label_id")] long labelId, [AsParameters] ProjectScope scope)
    {
        if (scope.Http.ExpectedVersion(EntityTags.Label, labelId) is long expected && expected != LabelVersion)
        {
            throw ErrorCodes.Stale();
        }

        await scope.Grains.GetTasks().RemoveLabel(scope.CallerId, scope.ProjectId, labelId);
        return TypedResults.NoContent();
    }

}
