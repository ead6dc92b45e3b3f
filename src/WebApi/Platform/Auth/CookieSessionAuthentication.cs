using System.Security.Claims;
using HiveSync.Grains.Interfaces.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// The session cookie as a second way in, accepted wherever a bearer token is: used when a request has no
/// Authorization header and has the cookie (<see cref="SignedInAuthenticationMiddleware"/>).
/// </summary>
public static class CookieSessionAuthentication
{
    /// <summary>The authentication type of a cookie caller's identity.</summary>
    public const string CookieScheme = "SessionCookie";

    public static IServiceCollection AddCookieSessionAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<SessionCookies>();
        services.AddSingleton<SessionCookieCredential>();
        services.AddSingleton<IValidateOptions<AuthOptions>, WebSessionSettingsValidation>();
        return services;
    }

    public static bool IsCookieSession(this ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme };
}

/// <summary>Validates the session cookie, then asks the user's grain whether its session is still live (every request).</summary>
public sealed class SessionCookieCredential(SessionCookies cookies, GrainReferences<IUserGrain> users)
{
    /// <summary>The request's session cookie, or null when it has none.</summary>
    public string? TokenOf(HttpContext context) => context.Request.Cookies[cookies.SessionCookie] is { Length: > 0 } token ? token : null;

    /// <param name="token">The request's session cookie (<see cref="TokenOf"/>).</param>
    /// <returns>Null once the request runs as the cookie's caller; else why not.</returns>
    public Task<CallerRejection?> SignInAsync(HttpContext context, string token) =>
        SessionValidation.SignInAsync(context, users, cookies.Validation, token, CallerCredential.SessionCookie);
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
