using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// Authenticates the caller of an endpoint for signed-in callers, inside the request id and error handling, so a
/// fault of the session check is an enveloped answer: a bearer token when an Authorization header is present, else the
/// session cookie when there is one. It never answers by itself: a caller whose credentials fail goes on unauthenticated
/// with the reason recorded, so the rate limiter counts the attempt before <see cref="SignedInAuthorizationMiddleware"/>
/// refuses it. Anonymous entry points and unrouted requests ignore any credentials sent and never pay for checking them.
/// </summary>
/// <remarks>
/// HiveSync's own, in place of the framework's authentication service: that resolved a handler, made a result, a
/// ticket and a claims transformation on every request, for the two credentials HiveSync has.
/// </remarks>
public sealed partial class SignedInAuthenticationMiddleware(
    RequestDelegate next,
    BearerCredential bearer,
    SessionCookieCredential cookie,
    ILogger<SignedInAuthenticationMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context) =>
        SignedInByDefault.IsForSignedInCallers(context.GetEndpoint()) ? AuthenticateAsync(context) : next(context);

    private async Task AuthenticateAsync(HttpContext context)
    {
        var cookieToken = context.Request.Headers.Authorization.Count == 0 ? cookie.TokenOf(context) : null;
        var credential = cookieToken is null ? CallerCredential.Bearer : CallerCredential.SessionCookie;
        var rejection = await (cookieToken is null ? bearer.SignInAsync(context) : cookie.SignInAsync(context, cookieToken));
        if (rejection is null)
        {
            Authenticated(logger, credential);
        }
        else
        {
            context.Features.Set(rejection);
            Refused(logger, rejection.Credential, rejection.Code.Code);
        }

        await next(context);
    }

    [LoggerMessage(LogLevel.Debug, "Caller authenticated by {Credential}")]
    private static partial void Authenticated(ILogger logger, CallerCredential credential);

    [LoggerMessage(LogLevel.Debug, "Caller's {Credential} refused: {Code}")]
    private static partial void Refused(ILogger logger, CallerCredential credential, string code);
}
