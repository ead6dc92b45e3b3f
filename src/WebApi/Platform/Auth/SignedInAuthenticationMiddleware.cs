using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// Authenticates the caller (bearer or session cookie) on endpoints for signed-in callers only, inside the request
/// id and error handling, so a fault of the session check is an enveloped answer. Anonymous entry points and
/// unrouted requests ignore any credentials sent and never pay for checking them.
/// </summary>
/// <remarks>
/// This replaces the framework's authentication middleware, which authenticates every request with the default
/// scheme: HiveSync sets no default authenticate scheme, so that one (added by the host on its own) finds nothing to do.
/// </remarks>
public sealed class SignedInAuthenticationMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (SignedInByDefault.IsForSignedInCallers(context.GetEndpoint()))
        {
            // The scheme is chosen here rather than through the policy scheme, which would run the authentication service twice.
            var result = await context.AuthenticateAsync(CookieSessionAuthentication.SelectScheme(context));
            if (result.Principal is not null)
            {
                context.User = result.Principal;
            }

            // Authorization evaluates this result, and its challenge answers with the failure's own error code.
            var caller = new AuthenticatedCaller(result, context.User);
            context.Features.Set<IAuthenticateResultFeature>(caller);
            context.Features.Set<IHttpAuthenticationFeature>(caller);
        }

        await next(context);
    }

    private sealed class AuthenticatedCaller(AuthenticateResult result, System.Security.Claims.ClaimsPrincipal user) : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        public AuthenticateResult? AuthenticateResult { get; set; } = result;

        public System.Security.Claims.ClaimsPrincipal? User { get; set; } = user;
    }
}
