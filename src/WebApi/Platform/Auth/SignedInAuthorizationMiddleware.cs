using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// Refuses a signed-in endpoint's caller who is not signed in (with the reason authentication found, after the rate
/// limiter counted the request) or lacks a role the endpoint asks for. HiveSync's own, in place of the framework's
/// authorization middleware, which evaluated a policy with a context and handlers on every request for this one rule.
/// </summary>
public sealed class SignedInAuthorizationMiddleware(RequestDelegate next, SessionCookies cookies)
{
    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (!SignedInByDefault.IsForSignedInCallers(endpoint))
        {
            return next(context);
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            return (context.Features.Get<CallerRejection>() ?? CallerRejection.NoCredentials).WriteAsync(context, cookies);
        }

        return SignedInByDefault.Admits(endpoint!, context.User)
            ? next(context)
            : ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.AuthForbidden, "You may not do this.");
    }
}
