using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>The credential a signed-in request came with.</summary>
public enum CallerCredential
{
    Bearer,
    SessionCookie,
}

/// <summary>
/// Why a signed-in endpoint's caller is not signed in. Authentication only records it; the answer is written by
/// <see cref="SignedInAuthorizationMiddleware"/> once the rate limiter has counted the request against the client IP.
/// </summary>
public sealed record CallerRejection(CallerCredential Credential, ApiErrorCode Code, string Message)
{
    private const string SessionExpired = "The session has expired; sign in again.";

    public static readonly CallerRejection NoCredentials = new(CallerCredential.Bearer, ErrorCodes.AuthRequired, "Sign in: send an access token as 'Authorization: Bearer <token>'.");
    public static readonly CallerRejection BearerInvalid = new(CallerCredential.Bearer, ErrorCodes.AuthTokenInvalid, "The access token is not valid.");
    public static readonly CallerRejection BearerExpired = new(CallerCredential.Bearer, ErrorCodes.AuthTokenExpired, "The access token has expired; refresh it.");
    public static readonly CallerRejection CookieInvalid = new(CallerCredential.SessionCookie, ErrorCodes.AuthTokenInvalid, "The session cookie is not valid.");
    public static readonly CallerRejection CookieExpired = new(CallerCredential.SessionCookie, ErrorCodes.AuthTokenExpired, SessionExpired);

    /// <summary>The credential is malformed, its signature or claims do not hold, or it names no user or session.</summary>
    public static CallerRejection Invalid(CallerCredential credential) => credential == CallerCredential.Bearer ? BearerInvalid : CookieInvalid;

    /// <summary>The credential's lifetime is over.</summary>
    public static CallerRejection Expired(CallerCredential credential) => credential == CallerCredential.Bearer ? BearerExpired : CookieExpired;

    /// <summary>The credential held, but its session is no longer live.</summary>
    public static CallerRejection SessionEnded(CallerCredential credential, SessionCheckResult result) => result == SessionCheckResult.Expired
        ? new(credential, ErrorCodes.AuthTokenExpired, SessionExpired)
        : new(credential, ErrorCodes.AuthSessionRevoked, "This session has ended; sign in again.");

    /// <summary>The 401: a bearer caller learns how to sign in (RFC 6750); a dead cookie is no use to the browser and is cleared.</summary>
    public Task WriteAsync(HttpContext context, SessionCookies cookies)
    {
        if (Credential == CallerCredential.SessionCookie)
        {
            cookies.Delete(context);
        }
        else
        {
            context.Response.Headers.WWWAuthenticate = ReferenceEquals(this, NoCredentials) ? "Bearer" : "Bearer error=\"invalid_token\"";
        }

        return ErrorEnvelopeWriter.WriteAsync(context, Code, Message);
    }
}
