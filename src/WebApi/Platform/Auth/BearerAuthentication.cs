using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// JWT bearer that also asks the user's grain whether the token's session is still live, so logout and
/// session deletion take effect on the very next request, and answers failures in the envelope.
/// </summary>
public static class BearerAuthentication
{
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((jwt, auth) =>
        {
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new RememberingTokenHandler());
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Value.Issuer,
                ValidAudience = auth.Value.Audience,
                IssuerSigningKey = AccessTokens.SigningKey(auth.Value),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = AccessTokens.SubjectClaim,
                RoleClaimType = AccessTokens.RoleClaim,
            };
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = CheckSessionAsync,
                OnChallenge = WriteChallengeAsync,
                OnForbidden = context => ErrorEnvelopeWriter.WriteAsync(context.HttpContext, ErrorCodes.AuthForbidden, "You may not do this."),
            };
        });
        services.AddSingleton<IAuthorizationHandler, SignedInByDefault>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new SignedInByDefault()).Build())
            .AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return services;
    }

    private static async Task CheckSessionAsync(TokenValidatedContext context)
    {
        var identity = (System.Security.Claims.ClaimsIdentity)context.Principal!.Identity!;
        if (!SessionValidation.TryReadSession(identity, out var userId, out var sessionId))
        {
            context.Fail(new SecurityTokenValidationException("The token lacks its subject or session."));
            return;
        }

        var check = await SessionValidation.CheckAsync(context.HttpContext, userId, sessionId);
        if (check.Result != SessionCheckResult.Active)
        {
            context.Fail(new SessionEndedException(check.Result));
            return;
        }

        SessionValidation.ApplyCurrent(identity, check);
    }

    private static Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (code, message) = context.AuthenticateFailure switch
        {
            null => (ErrorCodes.AuthRequired, "Sign in: send an access token as 'Authorization: Bearer <token>'."),
            SecurityTokenExpiredException => (ErrorCodes.AuthTokenExpired, "The access token has expired; refresh it."),
            SessionEndedException ended => SessionValidation.Rejection(ended.Result),
            _ => (ErrorCodes.AuthTokenInvalid, "The access token is not valid."),
        };
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        return ErrorEnvelopeWriter.WriteAsync(context.HttpContext, code, message);
    }

    private sealed class SessionEndedException(SessionCheckResult result) : SecurityTokenValidationException($"Session {result}.")
    {
        public SessionCheckResult Result { get; } = result;
    }
}
