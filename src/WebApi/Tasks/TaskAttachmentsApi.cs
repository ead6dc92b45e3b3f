using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Tasks;

/// <summary><c>/api/v1/projects/{project_id}/tasks/{task_id}/attachments</c>: links on a task (uploads come with object storage).</summary>
public static class TaskAttachmentsApi
{
    public static IEndpointRouteBuilder MapTaskAttachmentsApi(this IEndpointRouteBuilder tasks)
    {
        var attachments = tasks.MapGroup("/{task_id:long}/attachments").WithTags("Tasks");
        attachments.MapGet("/", List).Describe("listTaskAttachments", "A task's attachments").ProducesErrors(400);
        attachments.MapPost("/", AddLink).WithIdempotency().Describe("addTaskLink", "Attach an https link to a task (member)").ProducesErrors(400, 403, 409, 413, 415);
        attachments.MapDelete("/{attachment_id:long}", Delete).Describe("deleteTaskAttachment", "Remove an attachment (member)").ProducesErrors(403, 409);
        return tasks;
    }

    public static async Task<Ok<PageEnvelope<AttachmentResponse>>> List([FromRoute(Name = "task_id")] long taskId, [AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var items = await scope.Grains.GetTasks().ListAttachments(scope.CallerId, scope.ProjectId, taskId);
        return TypedResults.Ok(items.Select(AttachmentResponse.From).ToList().ToPage(page));
    }

    public static async Task<Created<DataEnvelope<AttachmentResponse>>> AddLink([FromRoute(Name = "task_id")] long taskId, LinkRequest request, [AsParameters] ProjectScope scope)
    {
        var link = await scope.Grains.GetTasks().AddLink(scope.CallerId, scope.ProjectId, taskId, request.Url ?? "", request.Name);
        return TypedResults.Created($"{HiveSyncApi.ApiBasePath}/projects/{scope.ProjectId}/tasks/{taskId}/attachments/{link.Id}", new DataEnvelope<AttachmentResponse>(AttachmentResponse.From(link)));
    }

    public static async Task<NoContent> Delete([FromRoute(Name = "task_id")] long taskId, [FromRoute(Name = "attachment_id")] long attachmentId, [AsParameters] ProjectScope scope)
    {
        await scope.Grains.GetTasks().RemoveAttachment(scope.CallerId, scope.ProjectId, taskId, attachmentId);
        return TypedResults.NoContent();
    }
}
