using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// CSRF protection for cookie sessions: a state-changing request (POST, PUT, PATCH, DELETE, ...) to any route not
/// marked anonymous, authenticated by the session cookie, must carry <c>X-CSRF-Token</c> equal to the CSRF cookie,
/// else 403 <c>CSRF_TOKEN_INVALID</c>. Bearer requests carry no ambient credential and are not subject to it;
/// anonymous routes (sign-in, session-exchange) do not use the cookie and are not either.
/// </summary>
public sealed class CsrfProtectionMiddleware(RequestDelegate next, SessionCookies cookies)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (NeedsToken(context) && !cookies.CsrfTokenMatches(context, context.User.SessionId()))
        {
            return ErrorEnvelopeWriter.WriteAsync(
                context,
                ErrorCodes.CsrfTokenInvalid,
                $"Send the value of the {cookies.CsrfCookie} cookie in the {SessionCookies.CsrfHeader} header.");
        }

        return next(context);
    }

    private static bool NeedsToken(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return false;
        }

        // However a route declares its authorization, so a future route cannot slip out of the check by declaring it differently.
        return context.User.IsCookieSession() && SignedInByDefault.IsForSignedInCallers(context.GetEndpoint());
    }
}
