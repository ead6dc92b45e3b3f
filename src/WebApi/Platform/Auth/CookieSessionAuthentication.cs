using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// The session cookie as a second way in, accepted wherever a bearer token is: a policy scheme picks bearer when an
/// Authorization header is present, else the session cookie when there is one. It authenticates signed-in endpoints
/// (<see cref="SignedInAuthenticationMiddleware"/>) and answers their challenges; it is deliberately not the default
/// authenticate scheme, so nothing authenticates a request for an anonymous endpoint.
/// </summary>
public static class CookieSessionAuthentication
{
    /// <summary>Bearer or cookie, per request.</summary>
    public const string ApiScheme = "BearerOrCookie";

    public const string CookieScheme = "SessionCookie";

    public static IServiceCollection AddCookieSessionAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<SessionCookies>();
        services.AddSingleton<IValidateOptions<AuthOptions>, WebSessionSettingsValidation>();
        services.AddAuthentication(o =>
            {
                o.DefaultChallengeScheme = ApiScheme;
                o.DefaultForbidScheme = ApiScheme;
            })
            .AddPolicyScheme(ApiScheme, "Bearer token or session cookie", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, CookieSessionHandler>(CookieScheme, "Session cookie", null);
        return services;
    }

    public static bool IsCookieSession(this ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme };

    /// <summary>The scheme of this request's credentials: no credentials at all goes to bearer, whose challenge tells the caller how to sign in.</summary>
    public static string SelectScheme(HttpContext context) =>
        context.Request.Headers.Authorization.Count == 0 && !string.IsNullOrEmpty(context.Request.Cookies[context.RequestServices.GetRequiredService<SessionCookies>().SessionCookie])
            ? CookieScheme
            : BearerAuthentication.Scheme;
}

/// <summary>Validates the session cookie, then asks the user's grain whether its session is still live (every request).</summary>
public sealed class CookieSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionCookies cookies) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var cookie = Request.Cookies[cookies.SessionCookie];
        if (string.IsNullOrEmpty(cookie))
        {
            return AuthenticateResult.NoResult();
        }

        var token = await cookies.ValidateAsync(cookie);
        if (!token.IsValid)
        {
            return token.Exception is SecurityTokenExpiredException
                ? Fail(ErrorCodes.AuthTokenExpired, "The session has expired; sign in again.")
                : Fail(ErrorCodes.AuthTokenInvalid, "The session cookie is not valid.");
        }

        if (!SessionValidation.TryReadSession(token.ClaimsIdentity, out var userId, out var sessionId))
        {
            return Fail(ErrorCodes.AuthTokenInvalid, "The session cookie is not valid.");
        }

        var check = await SessionValidation.CheckAsync(Context, userId, sessionId);
        if (check.Result != SessionCheckResult.Active)
        {
            var (code, message) = SessionValidation.Rejection(check.Result);
            return Fail(code, message);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(AccessTokens.SubjectClaim, userId.ToString(CultureInfo.InvariantCulture)),
                new Claim(AccessTokens.SessionClaim, sessionId.ToString()),
            ],
            CookieSessionAuthentication.CookieScheme,
            AccessTokens.SubjectClaim,
            AccessTokens.RoleClaim);
        SessionValidation.ApplyCurrent(identity, check);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is CookieRejected rejected)
        {
            cookies.Delete(Context); // a dead cookie is no use to the browser
            await ErrorEnvelopeWriter.WriteAsync(Context, rejected.Code, rejected.Message);
            return;
        }

        await ErrorEnvelopeWriter.WriteAsync(Context, ErrorCodes.AuthRequired, "Sign in: send an access token as 'Authorization: Bearer <token>' or the session cookie.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorEnvelopeWriter.WriteAsync(Context, ErrorCodes.AuthForbidden, "You may not do this.");

    private static AuthenticateResult Fail(ApiErrorCode code, string message) => AuthenticateResult.Fail(new CookieRejected(code, message));

    private sealed class CookieRejected(ApiErrorCode code, string message) : Exception(message)
    {
        public ApiErrorCode Code { get; } = code;
    }
}

/// <summary>Start-up checks of the web-session settings that data annotations cannot express.</summary>
public sealed class WebSessionSettingsValidation : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(options.WebBaseUrl, UriKind.Absolute, out var web)
            || web.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(web.Query) || !string.IsNullOrEmpty(web.Fragment) || !string.IsNullOrEmpty(web.UserInfo))
        {
            problems.Add("Auth:WebBaseUrl must be an absolute http(s) URL without query, fragment or credentials.");
        }

        if (!string.IsNullOrEmpty(options.CookieDomain) && Uri.CheckHostName(options.CookieDomain.TrimStart('.')) != UriHostNameType.Dns)
        {
            problems.Add("Auth:CookieDomain must be a domain name (e.g. hivesync.dev).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
