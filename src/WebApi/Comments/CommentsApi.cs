using System.Globalization;
using HiveSync.Grains.Interfaces.Comments;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Comments;

/// <summary><c>/api/v1/projects/{project_id}/comments</c>: comments on the project or its tasks, their history and stars.</summary>
public static class CommentsApi
{
    public static IEndpointRouteBuilder MapCommentsApi(this IEndpointRouteBuilder project)
    {
        var comments = project.MapGroup("/comments").WithTags("Comments");
        comments.MapGet("/", List).Describe("listComments", "Comments on the project or one of its tasks, oldest first").ProducesErrors(400);
        comments.MapPost("/", Create).WithIdempotency().Describe("createComment", "Comment on the project or one of its tasks (member)").ProducesErrors(400, 403, 409, 413, 415);
        comments.MapPatch("/{comment_id:long}", Edit).Describe("editComment", "Change a comment's body (its author); the old body is kept; If-Match: only at that ETag").ProducesErrors(400, 403, 409, 412, 413, 415);
        comments.MapDelete("/{comment_id:long}", Delete).Describe("deleteComment", "Delete a comment (its author, or an admin); If-Match: only at that ETag").ProducesErrors(403, 409, 412);
        comments.MapGet("/{comment_id:long}/history", History).Describe("listCommentVersions", "Every version of a comment's body, oldest first").ProducesErrors(400);
        comments.MapPost("/{comment_id:long}/star", Star).Describe("starComment", "Star a comment");
        comments.MapDelete("/{comment_id:long}/star", Unstar).Describe("unstarComment", "Remove the caller's star");
        return project;
    }

    public static async Task<Ok<PageEnvelope<CommentResponse>>> List([AsParameters] CommentListParameters parameters, [AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var (entityType, entityId) = parameters.Validate();
        var found = await scope.Grains.GetComments().List(scope.CallerId, scope.ProjectId, entityType, entityId, page.Offset, page.PageSize);
        return TypedResults.Ok(new PageEnvelope<CommentResponse>([.. found.Items.Select(CommentResponse.From)], found.Total, page.Page, page.PageSize));
    }

    public static async Task<Created<DataEnvelope<CommentResponse>>> Create(CreateCommentRequest request, [AsParameters] ProjectScope scope)
    {
        var entityId = request.EntityId ?? throw DomainException.Validation("entity_id", "Required: the id of the task, or of the project.");
        var comment = await scope.Grains.GetComments().Create(scope.CallerId, scope.ProjectId, request.EntityType ?? "", entityId, request.Body ?? "");
        return TypedResults.Created($"{HiveSyncApi.ApiBasePath}/projects/{scope.ProjectId}/comments/{comment.Id}", new DataEnvelope<CommentResponse>(CommentResponse.From(comment)));
    }

    public static async Task<Ok<DataEnvelope<CommentResponse>>> Edit([FromRoute(Name = "comment_id")] long commentId, EditCommentRequest request, [AsParameters] ProjectScope scope)
    {
        var expected = scope.Http.ExpectedVersion(EntityTags.Comment, commentId);
        return Data(scope, await scope.Grains.GetComments().Edit(scope.CallerId, scope.ProjectId, commentId, request.Body ?? "", expected));
    }

    public static async Task<NoContent> Delete([FromRoute(Name = "comment_id")] long commentId, [AsParameters] ProjectScope scope)
    {
        await scope.Grains.GetComments().Delete(scope.CallerId, scope.ProjectId, commentId, scope.Http.ExpectedVersion(EntityTags.Comment, commentId));
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PageEnvelope<CommentVersionResponse>>> History([FromRoute(Name = "comment_id")] long commentId, [AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var versions = await scope.Grains.GetComments().History(scope.CallerId, scope.ProjectId, commentId);
        return TypedResults.Ok(versions.Select(v => new CommentVersionResponse(v.Version, v.Body, v.WrittenAt)).ToList().ToPage(page));
    }

    public static async Task<Ok<DataEnvelope<CommentResponse>>> Star([FromRoute(Name = "comment_id")] long commentId, [AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Grains.GetComments().SetStar(scope.CallerId, scope.ProjectId, commentId, starred: true));

    public static async Task<Ok<DataEnvelope<CommentResponse>>> Unstar([FromRoute(Name = "comment_id")] long commentId, [AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Grains.GetComments().SetStar(scope.CallerId, scope.ProjectId, commentId, starred: false));

    /// <summary>A comment's answer, with its ETag.</summary>
    private static Ok<DataEnvelope<CommentResponse>> Data(ProjectScope scope, CommentView comment) =>
        scope.Http.Tagged(TypedResults.Ok(new DataEnvelope<CommentResponse>(CommentResponse.From(comment))), EntityTags.Comment, comment.Id, comment.Version);
}

public sealed record CommentResponse(
    long Id,
    long ProjectId,
    [property: ClosedSet(typeof(CommentEntityTypes))] string EntityType,
    long EntityId,
    long AuthorId,
    string Body,
    bool Edited,
    int StarCount,
    bool StarredByMe,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? EditedAt)
{
    public static CommentResponse From(CommentView c) =>
        new(c.Id, c.ProjectId, c.EntityType, c.EntityId, c.AuthorId, c.Body, c.EditedAt is not null, c.StarCount, c.StarredByMe, c.CreatedAt, c.UpdatedAt, c.EditedAt);
}

public sealed record CommentVersionResponse(int Version, string Body, DateTimeOffset WrittenAt);

public sealed record CreateCommentRequest([property: ClosedSet(typeof(CommentEntityTypes))] string? EntityType, long? EntityId, string? Body);

public sealed record EditCommentRequest(string? Body);

/// <summary><c>entity_type</c> and <c>entity_id</c>, both required, read as text so a bad one is a 400 naming it.</summary>
public sealed class CommentListParameters
{
    [FromQuery(Name = "entity_type")]
    public string? EntityType { get; init; }

    [FromQuery(Name = "entity_id")]
    public string? EntityId { get; init; }

    public (string EntityType, long EntityId) Validate()
    {
        var read = new FieldErrors();
        var type = EntityType is CommentEntityTypes.Task or CommentEntityTypes.Project ? EntityType : read.Invalid("entity_type", "Required: task or project.", "");
        var id = long.TryParse(EntityId, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : read.Invalid("entity_id", "Required: the id of the task, or of the project.", 0L);
        read.ThrowIfInvalid();
        return (type, id);
    }
}
