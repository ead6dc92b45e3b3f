using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Projects;

/// <summary><c>/api/v1/projects</c>: the caller's projects, each project's details, archive state, favorite mark and tags.</summary>
public static class ProjectsApi
{
    /// <summary>Maps the projects routes and answers the gated <c>/projects/{project_id}</c> group that project-scoped domains mount on.</summary>
    public static RouteGroupBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/projects").WithTags("Projects").RequireAuthorization().RequireRateLimit(RateLimitGroups.Projects);
        projects.MapGet("/", List).Describe("listProjects", "The projects the caller is a member of").ProducesErrors(400, 401);
        projects.MapPost("/", Create).WithIdempotency().Describe("createProject", "Create a project owned by the caller").ProducesErrors(400, 401, 403, 409, 413, 415);

        var project = projects.MapProjectScope().ProducesErrors(401, 404);
        project.MapGet("/", Get).Describe("getProject", "A project");
        project.MapPatch("/", Update).Accepts<ProjectPatchRequest>("application/json").Describe("updateProject", "Rename or describe a project (admin); If-Match: only at that ETag").ProducesErrors(400, 403, 409, 412, 413, 415);
        project.MapDelete("/", Delete).Describe("deleteProject", "Delete a project and everything it owns (owner); If-Match: only at that ETag").ProducesErrors(403, 412);
        project.MapPost("/archive", Archive).Describe("archiveProject", "Make a project read-only (admin)").ProducesErrors(403);
        project.MapPost("/unarchive", Unarchive).Describe("unarchiveProject", "Make an archived project writable again (admin)").ProducesErrors(403);
        project.MapPost("/favorite", Favorite).Describe("favoriteProject", "Mark a project as one of the caller's favorites");
        project.MapDelete("/favorite", Unfavorite).Describe("unfavoriteProject", "Remove the caller's favorite mark");
        project.MapGet("/tags", ListTags).Describe("listProjectTags", "A project's tags").ProducesErrors(400);
        project.MapPost("/tags", AddTag).WithIdempotency().Describe("createProjectTag", "Tag a project (member)").ProducesErrors(400, 403, 409, 413, 415);
        project.MapDelete("/tags/{tag_id:long}", RemoveTag).Describe("deleteProjectTag", "Remove a tag (admin)").ProducesErrors(403, 409);
        project.MapTeamApi();
        return project;
    }

    public static async Task<Ok<PageEnvelope<ProjectResponse>>> List([AsParameters] ProjectListParameters parameters, [AsParameters] PageQuery paging, HttpContext http, IGrainFactory grains)
    {
        var page = paging.Validate(http);
        var found = await grains.GetProjectDirectory().List(http.User.UserId(), parameters.ToQuery(page));
        return TypedResults.Ok(new PageEnvelope<ProjectResponse>([.. found.Items.Select(ProjectResponse.From)], found.Total, page.Page, page.PageSize));
    }

    public static async Task<Created<DataEnvelope<ProjectResponse>>> Create(CreateProjectRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var created = await grains.GetProjectDirectory().Create(user.UserId(), new NewProject(request.Name ?? "", request.Description ?? "", request.Key));
        return TypedResults.Created(Location(created.Project.Id), new DataEnvelope<ProjectResponse>(ProjectResponse.From(created)));
    }

    public static async Task<Ok<DataEnvelope<ProjectResponse>>> Get([AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Project.Describe(scope.CallerId));

    public static async Task<Ok<DataEnvelope<ProjectResponse>>> Update(JsonElement body, [AsParameters] ProjectScope scope)
    {
        var expected = scope.Http.ExpectedVersion(EntityTags.Project, scope.ProjectId);
        return Data(scope, await scope.Project.Update(scope.CallerId, ProjectPatchRequest.Parse(body), expected));
    }

    public static async Task<NoContent> Delete([AsParameters] ProjectScope scope)
    {
        await scope.Project.Delete(scope.CallerId, scope.Http.ExpectedVersion(EntityTags.Project, scope.ProjectId));
        return TypedResults.NoContent();
    }

    public static async Task<Ok<DataEnvelope<ProjectResponse>>> Archive([AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Project.SetArchived(scope.CallerId, archived: true));

    public static async Task<Ok<DataEnvelope<ProjectResponse>>> Unarchive([AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Project.SetArchived(scope.CallerId, archived: false));

    public static async Task<NoContent> Favorite([AsParameters] ProjectScope scope)
    {
        await scope.Project.SetFavorite(scope.CallerId, favorite: true);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> Unfavorite([AsParameters] ProjectScope scope)
    {
        await scope.Project.SetFavorite(scope.CallerId, favorite: false);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PageEnvelope<TagResponse>>> ListTags([AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var tags = await scope.Project.ListTags(scope.CallerId);
        return TypedResults.Ok(tags.Select(TagResponse.From).ToList().ToPage(page));
    }

    public static async Task<Created<DataEnvelope<TagResponse>>> AddTag(TagRequest request, [AsParameters] ProjectScope scope)
    {
        var tag = await scope.Project.AddTag(scope.CallerId, request.Name ?? "");
        return TypedResults.Created($"{Location(scope.ProjectId)}/tags/{tag.Id}", new DataEnvelope<TagResponse>(TagResponse.From(tag)));
    }

    public static async Task<NoContent> RemoveTag([FromRoute(Name = "tag_id")] long tagId, [AsParameters] ProjectScope scope)
    {
        await scope.Project.RemoveTag(scope.CallerId, tagId);
        return TypedResults.NoContent();
    }

    /// <summary>A project's answer, with its ETag.</summary>
    private static Ok<DataEnvelope<ProjectResponse>> Data(ProjectScope scope, ProjectView view) =>
        scope.Http.Tagged(TypedResults.Ok(new DataEnvelope<ProjectResponse>(ProjectResponse.From(view))), EntityTags.Project, view.Project.Id, view.Project.Version);

    private static string Location(long projectId) => string.Create(CultureInfo.InvariantCulture, $"{HiveSyncApi.ApiBasePath}/projects/{projectId}");
}
