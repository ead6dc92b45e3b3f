using HiveSync.Grains.Interfaces.Projects;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.WebApi.Projects;

/// <summary>The caller's standing in the project of this request, resolved before the handler runs.</summary>
public sealed record ProjectCaller(long ProjectId, long UserId, string Role);

/// <summary>
/// The one gate of every project-scoped route group (<c>/projects/{project_id}/...</c>): the caller's role in the
/// project, from its grain, before the endpoint reads its body or anything the project holds. A caller who is not a
/// member gets what a missing project gets (404 <c>PROJECT_NOT_FOUND</c>), whatever the request carries. The grains
/// check the role again for what they change.
/// </summary>
public static class ProjectAccess
{
    public const string ProjectIdParameter = "project_id";

    /// <summary>Mounts the project-scoped sub-group, gated: <c>projects.MapProjectScope()</c>.</summary>
    public static RouteGroupBuilder MapProjectScope(this IEndpointRouteBuilder projects) =>
        projects.MapGroup($"/{{{ProjectIdParameter}:long}}").WithMetadata(ProjectScoped.Instance);

    /// <summary>The gate in the pipeline (after authentication and rate limiting, before the endpoint binds its parameters).</summary>
    public static IApplicationBuilder UseProjectAccess(this IApplicationBuilder app) => app.Use((http, next) =>
        http.GetEndpoint()?.Metadata.GetMetadata<ProjectScoped>() is not null && http.User.Identity?.IsAuthenticated == true
            ? GateAsync(http, next)
            : next(http)); // every other route passes straight through, without a state machine of its own

    private static async Task GateAsync(HttpContext http, RequestDelegate next)
    {
        var projectId = long.Parse((string)http.Request.RouteValues[ProjectIdParameter]!, System.Globalization.CultureInfo.InvariantCulture);
        var userId = http.User.UserId();
        var role = await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IProjectGrain>(projectId).RoleOf(userId)
            ?? throw ProjectErrors.NotFound();
        http.Features.Set(new ProjectCaller(projectId, userId, role));
        await next(http);
    }

    /// <summary>This request's project and the caller's role in it (a project-scoped route only).</summary>
    public static ProjectCaller ProjectCaller(this HttpContext context) =>
        context.Features.Get<ProjectCaller>() ?? throw new InvalidOperationException("Not a project-scoped route: map it under MapProjectScope().");

    /// <summary>Marks the endpoints of the gated group.</summary>
    private sealed class ProjectScoped
    {
        public static readonly ProjectScoped Instance = new();
    }
}

/// <summary>
/// What a project-scoped handler takes (<c>[AsParameters]</c>): the gated caller and the project's grain. The route's
/// <c>project_id</c> is bound here so the API document declares it on every operation; the gate has already checked it.
/// </summary>
public sealed record ProjectScope(HttpContext Http, IGrainFactory Grains, [property: FromRoute(Name = ProjectAccess.ProjectIdParameter)] long ProjectId)
{
    public ProjectCaller Caller => Http.ProjectCaller();

    public long CallerId => Caller.UserId;

    public IProjectGrain Project => Grains.GetGrain<IProjectGrain>(ProjectId);
}
