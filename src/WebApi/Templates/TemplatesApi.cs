using System.Security.Claims;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Templates;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using HiveSync.WebApi.Platform.RateLimiting;
using HiveSync.WebApi.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Templates;

/// <summary><c>/api/v1/projects/templates</c> and <c>/from-template</c>: projects to start from.</summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/projects").WithTags("Projects").RequireAuthorization().RequireRateLimit(RateLimitGroups.Projects).ProducesErrors(401);
        templates.MapGet("/templates", List).Describe("listProjectTemplates", "The project templates: tags, labels and starter tasks").ProducesErrors(400);
        templates.MapPost("/from-template", Create).WithIdempotency().Describe("createProjectFromTemplate", "Create a project from a template").ProducesErrors(400, 403, 409, 413, 415);
        return app;
    }

    public static async Task<Ok<PageEnvelope<ProjectTemplate>>> List([AsParameters] PageQuery paging, HttpContext http, IGrainFactory grains)
    {
        var page = paging.Validate(http);
        return TypedResults.Ok((await grains.GetTemplates().List()).ToList().ToPage(page));
    }

    public static async Task<Created<DataEnvelope<ProjectResponse>>> Create(FromTemplateRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var created = await grains.GetTemplates().CreateProject(user.UserId(), request.TemplateId ?? "", request.Name ?? "");
        return TypedResults.Created($"{HiveSyncApi.ApiBasePath}/projects/{created.Project.Id}", new DataEnvelope<ProjectResponse>(ProjectResponse.From(created)));
    }
}

public sealed record FromTemplateRequest(string? TemplateId, string? Name);
