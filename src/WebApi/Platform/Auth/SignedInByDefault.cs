using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// The fallback authorization policy: every route needs a signed-in caller unless it says <c>AllowAnonymous</c>,
/// so a future route that forgets <c>RequireAuthorization</c> is not public. A request that matched no route
/// (404, or the router's 405 for a known path with another method) has nothing to protect and keeps its answer.
/// </summary>
public sealed class SignedInByDefault : AuthorizationHandler<SignedInByDefault>, IAuthorizationRequirement
{
    /// <summary>
    /// Whether a request's endpoint is for signed-in callers: every routed endpoint not explicitly anonymous, however
    /// its authorization is declared. Anonymous ones and unrouted requests ignore credentials (no authentication, the
    /// client IP's rate limit, no CSRF check).
    /// </summary>
    public static bool IsForSignedInCallers(Endpoint? endpoint) => endpoint is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SignedInByDefault requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true || context.Resource is HttpContext { } http && http.GetEndpoint() is not RouteEndpoint)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
