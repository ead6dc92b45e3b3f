using System.Globalization;
using HiveSync.Grains.Interfaces.Comments;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Interfaces.Search;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Search;

/// <summary><c>/api/v1/search</c>: full-text search over the caller's projects, their tasks and their comments, best match first.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/search").WithTags("Search").RequireAuthorization().RequireRateLimit(RateLimitGroups.Search).ProducesErrors(400, 401, 404);
        search.MapGet("/projects", Projects).Describe("searchProjects", "The caller's projects matching the words");
        search.MapGet("/tasks", Tasks).Describe("searchTasks", "Tasks of the caller's projects matching the words");
        search.MapGet("/comments", Comments).Describe("searchComments", "Comments in the caller's projects matching the words");
        return app;
    }

    public static async Task<Ok<PageEnvelope<SearchHitResponse>>> Projects([AsParameters] SearchParameters parameters, [AsParameters] PageQuery paging, HttpContext http, IGrainFactory grains)
    {
        var page = paging.Validate(http);
        return Page(await grains.GetProjectDirectory().Search(http.User.UserId(), parameters.ToQuery(page)), page);
    }

    public static async Task<Ok<PageEnvelope<SearchHitResponse>>> Tasks([AsParameters] SearchParameters parameters, [AsParameters] PageQuery paging, HttpContext http, IGrainFactory grains)
    {
        var page = paging.Validate(http);
        return Page(await grains.GetTasks().Search(http.User.UserId(), parameters.ToQuery(page)), page);
    }

    public static async Task<Ok<PageEnvelope<SearchHitResponse>>> Comments([AsParameters] SearchParameters parameters, [AsParameters] PageQuery paging, HttpContext http, IGrainFactory grains)
    {
        var page = paging.Validate(http);
        return Page(await grains.GetComments().Search(http.User.UserId(), parameters.ToQuery(page)), page);
    }

    private static Ok<PageEnvelope<SearchHitResponse>> Page(SearchPage found, PageRequest page) =>
        TypedResults.Ok(new PageEnvelope<SearchHitResponse>([.. found.Items.Select(SearchHitResponse.From)], found.Total, page.Page, page.PageSize));
}

public sealed record SearchHitResponse(
    string Kind,
    long Id,
    long ProjectId,
    string Title,
    string Snippet,
    double Rank,
    string? Key,
    string? Status,
    string? EntityType,
    long? EntityId)
{
    public static SearchHitResponse From(SearchHit h) => new(h.Kind, h.Id, h.ProjectId, h.Title, h.Snippet, h.Rank, h.Key, h.Status, h.EntityType, h.EntityId);
}

/// <summary><c>q</c> (required), and the filters: <c>project_id</c>, and <c>status</c> (tasks) or <c>entity_type</c> (comments).</summary>
public sealed class SearchParameters
{
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    [FromQuery(Name = "project_id")]
    public string? ProjectId { get; init; }

    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [FromQuery(Name = "entity_type")]
    public string? EntityType { get; init; }

    public SearchQuery ToQuery(PageRequest page)
    {
        var read = new FieldErrors();
        long? projectId = ProjectId is null ? null
            : long.TryParse(ProjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id
            : read.Invalid<long?>("project_id", "Must be a project id.");
        var statuses = string.IsNullOrEmpty(Status) ? [] : Status.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        if (statuses.Any(s => !TaskStatuses.All.Contains(s)))
        {
            read.Invalid("status", $"Must be one or more of: {string.Join(", ", TaskStatuses.All)}, comma-separated.", 0);
        }

        if (EntityType is not (null or CommentEntityTypes.Task or CommentEntityTypes.Project))
        {
            read.Invalid("entity_type", "Must be task or project.", 0);
        }

        read.ThrowIfInvalid();
        return new SearchQuery(Q ?? "", projectId, statuses, EntityType, page.Offset, page.PageSize);
    }
}
