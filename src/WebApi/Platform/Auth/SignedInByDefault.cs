using System.Runtime.CompilerServices;
using System.Security.Claims;
using HiveSync.Grains.Interfaces.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// Every route needs a signed-in caller unless it says <c>AllowAnonymous</c>, so a future route that forgets
/// <c>RequireAuthorization</c> is not public. A request that matched no route (404, or the router's 405 for a known
/// path with another method) has nothing to protect and keeps its answer. Roles a route asks for through its
/// authorization metadata (<c>RequireAuthorization(AdminPolicy)</c>, <c>[Authorize(Roles = ...)]</c>) are read once per endpoint.
/// </summary>
public static class SignedInByDefault
{
    /// <summary>The policy name of admin-only routes.</summary>
    public const string AdminPolicy = "admin";

    private static readonly ConditionalWeakTable<Endpoint, RoleRequirement> Requirements = new();

    /// <summary>
    /// The routes' authorization metadata (<c>RequireAuthorization</c>, <c>AllowAnonymous</c>) is enforced by
    /// <see cref="SignedInAuthorizationMiddleware"/>, which the endpoint middleware's safeguard (it looks for the
    /// framework's authorization middleware) does not know about.
    /// </summary>
    public static IServiceCollection AddSignedInByDefault(this IServiceCollection services) =>
        services.Configure<RouteOptions>(options => options.SuppressCheckForUnhandledSecurityMetadata = true);

    /// <summary>
    /// Whether a request's endpoint is for signed-in callers: every routed endpoint not explicitly anonymous, however
    /// its authorization is declared. Anonymous ones and unrouted requests ignore credentials (no authentication, the
    /// client IP's rate limit, no CSRF check).
    /// </summary>
    public static bool IsForSignedInCallers(Endpoint? endpoint) => endpoint is RouteEndpoint && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;

    /// <summary>Whether the signed-in caller has every role the endpoint asks for.</summary>
    /// <exception cref="InvalidOperationException">The endpoint asks for authorization HiveSync does not implement: refused rather than ignored.</exception>
    public static bool Admits(Endpoint endpoint, ClaimsPrincipal caller) => Requirements.GetValue(endpoint, RoleRequirement.Of).Admits(caller);

    /// <summary>Each entry is one declaration; the caller needs at least one role of every entry (as the framework's role requirements).</summary>
    private sealed class RoleRequirement(IReadOnlyList<string[]> anyOf)
    {
        public bool Admits(ClaimsPrincipal caller) => anyOf.All(roles => roles.Any(caller.IsInRole));

        public static RoleRequirement Of(Endpoint endpoint)
        {
            if (endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null || endpoint.Metadata.GetMetadata<IAuthorizationRequirementData>() is not null)
            {
                throw Unsupported(endpoint, "an inline policy");
            }

            var anyOf = new List<string[]>();
            foreach (var declared in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
            {
                if (!string.IsNullOrEmpty(declared.AuthenticationSchemes))
                {
                    throw Unsupported(endpoint, $"authentication schemes '{declared.AuthenticationSchemes}'");
                }

                switch (declared.Policy)
                {
                    case null or "":
                        break;
                    case AdminPolicy:
                        anyOf.Add([Roles.Admin]);
                        break;
                    default:
                        throw Unsupported(endpoint, $"the policy '{declared.Policy}'");
                }

                if (!string.IsNullOrWhiteSpace(declared.Roles))
                {
                    anyOf.Add(declared.Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                }
            }

            return new RoleRequirement(anyOf);
        }

        private static InvalidOperationException Unsupported(Endpoint endpoint, string what) =>
            new($"{endpoint.DisplayName} asks for {what}; HiveSync's routes declare only roles or the '{AdminPolicy}' policy.");
    }
}
