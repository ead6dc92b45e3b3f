using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Tasks;

/// <summary>
/// <c>/api/v1/projects/{project_id}/tasks/{task_id}/attachments</c>: links, and uploads in two steps (announce, which
/// answers a signed upload URL; then complete, once the bytes are stored).
/// </summary>
public static class TaskAttachmentsApi
{
    public static IEndpointRouteBuilder MapTaskAttachmentsApi(this IEndpointRouteBuilder tasks)
    {
        var attachments = tasks.MapGroup("/{task_id:long}/attachments").WithTags("Tasks");
        attachments.MapGet("/", List).Describe("listTaskAttachments", "A task's attachments (ready uploads with a signed download URL)").ProducesErrors(400);
        attachments.MapPost("/", Add).WithIdempotency().Describe("addTaskAttachment", "Attach an https link, or announce an upload and get its signed upload URL (member)").ProducesErrors(400, 403, 409, 413, 415);
        attachments.MapGet("/{attachment_id:long}", Get).Describe("getTaskAttachment", "One attachment (a ready upload with a signed download URL)").ProducesErrors();
        attachments.MapPost("/{attachment_id:long}/complete", Complete).Describe("completeTaskUpload", "Check the uploaded file and make the upload ready (member)").ProducesErrors(403, 409);
        attachments.MapDelete("/{attachment_id:long}", Delete).Describe("deleteTaskAttachment", "Remove an attachment, and an upload's file (member)").ProducesErrors(403, 409);
        return tasks;
    }

    public static async Task<Ok<PageEnvelope<AttachmentResponse>>> List([FromRoute(Name = "task_id")] long taskId, [AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var items = await scope.Grains.GetTasks().ListAttachments(scope.CallerId, scope.ProjectId, taskId);
        return TypedResults.Ok(items.Select(a => AttachmentResponse.From(a, scope.Http.Request)).ToList().ToPage(page));
    }

    public static async Task<Created<DataEnvelope<AttachmentResponse>>> Add([FromRoute(Name = "task_id")] long taskId, AttachmentRequest request, [AsParameters] ProjectScope scope)
    {
        request.EnsureOneForm();
        var tasks = scope.Grains.GetTasks();
        var attachment = request.IsUpload
            ? await tasks.AddUpload(scope.CallerId, scope.ProjectId, taskId, request.ToNewUpload())
            : await tasks.AddLink(scope.CallerId, scope.ProjectId, taskId, request.Url ?? "", request.Name);
        return TypedResults.Created($"{HiveSyncApi.ApiBasePath}/projects/{scope.ProjectId}/tasks/{taskId}/attachments/{attachment.Id}", Envelope(attachment, scope));
    }

    public static async Task<Ok<DataEnvelope<AttachmentResponse>>> Get([FromRoute(Name = "task_id")] long taskId, [FromRoute(Name = "attachment_id")] long attachmentId, [AsParameters] ProjectScope scope) =>
        TypedResults.Ok(Envelope(await scope.Grains.GetTasks().GetAttachment(scope.CallerId, scope.ProjectId, taskId, attachmentId), scope));

    public static async Task<Ok<DataEnvelope<AttachmentResponse>>> Complete([FromRoute(Name = "task_id")] long taskId, [FromRoute(Name = "attachment_id")] long attachmentId, [AsParameters] ProjectScope scope) =>
        TypedResults.Ok(Envelope(await scope.Grains.GetTasks().CompleteUpload(scope.CallerId, scope.ProjectId, taskId, attachmentId), scope));

    public static async Task<NoContent> Delete([FromRoute(Name = "task_id")] long taskId, [FromRoute(Name = "attachment_id")] long attachmentId, [AsParameters] ProjectScope scope)
    {
        await scope.Grains.GetTasks().RemoveAttachment(scope.CallerId, scope.ProjectId, taskId, attachmentId);
        return TypedResults.NoContent();
    }

    private static DataEnvelope<AttachmentResponse> Envelope(TaskAttachment attachment, ProjectScope scope) => new(AttachmentResponse.From(attachment, scope.Http.Request));
}
