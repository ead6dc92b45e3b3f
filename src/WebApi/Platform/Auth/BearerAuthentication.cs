using System.Text.Encodings.Web;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// JWT bearer authentication that also asks the user's grain whether the token's session is still live, so logout
/// and session deletion take effect on the very next request, and answers failures in the envelope.
/// </summary>
public static class BearerAuthentication
{
    public const string Scheme = "Bearer";
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(Scheme, "Bearer access token", null);
        services.AddSingleton<IAuthorizationHandler, SignedInByDefault>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new SignedInByDefault()).Build())
            .AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return services;
    }
}

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c>: the signature and claims (remembered per token), then the session check.
/// The framework's JWT bearer handler did the same with a copy of its validation settings, events and contexts
/// per request; this is the part HiveSync uses of it.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Prefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var token = header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? header[Prefix.Length..].Trim() : "";
        if (token.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var verified = await tokens.ValidateAsync(token);
        if (!verified.IsValid)
        {
            return AuthenticateResult.Fail(verified.Exception ?? new SecurityTokenValidationException("The access token is not valid."));
        }

        if (!SessionValidation.TryReadSession(verified.ClaimsIdentity, out var userId, out var sessionId))
        {
            return AuthenticateResult.Fail(new SecurityTokenValidationException("The token lacks its subject or session."));
        }

        var check = await SessionValidation.CheckAsync(Context, userId, sessionId);
        if (check.Result != SessionCheckResult.Active)
        {
            return AuthenticateResult.Fail(new SessionEndedException(check.Result));
        }

        var identity = SessionValidation.Current(verified.ClaimsIdentity, check);
        return AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        var (code, message) = failure switch
        {
            null => (ErrorCodes.AuthRequired, "Sign in: send an access token as 'Authorization: Bearer <token>'."),
            SecurityTokenExpiredException => (ErrorCodes.AuthTokenExpired, "The access token has expired; refresh it."),
            SessionEndedException ended => SessionValidation.Rejection(ended.Result),
            _ => (ErrorCodes.AuthTokenInvalid, "The access token is not valid."),
        };
        Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await ErrorEnvelopeWriter.WriteAsync(Context, code, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorEnvelopeWriter.WriteAsync(Context, ErrorCodes.AuthForbidden, "You may not do this.");

    private sealed class SessionEndedException(SessionCheckResult result) : SecurityTokenValidationException($"Session {result}.")
    {
        public SessionCheckResult Result { get; } = result;
    }
}
