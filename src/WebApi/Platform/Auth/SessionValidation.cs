using System.Globalization;
using System.Security.Claims;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// What bearer tokens and session cookies share once their signature holds: the <c>sub</c>/<c>sid</c> claims,
/// the session check in the user's grain on every request, and the grain's current role and tier.
/// </summary>
public static class SessionValidation
{
    public static bool TryReadSession(ClaimsIdentity? identity, out long userId, out Guid sessionId)
    {
        sessionId = Guid.Empty;
        return long.TryParse(identity?.FindFirst(AccessTokens.SubjectClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out userId)
            && Guid.TryParse(identity?.FindFirst(AccessTokens.SessionClaim)?.Value, out sessionId);
    }

    public static Task<SessionCheck> CheckAsync(HttpContext context, long userId, Guid sessionId) =>
        context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(userId).CheckSession(sessionId, DeviceInfoOf.Request(context));

    /// <summary>The answer for a session that is no longer live.</summary>
    public static (ApiErrorCode Code, string Message) Rejection(SessionCheckResult result) => result == SessionCheckResult.Expired
        ? (ErrorCodes.AuthTokenExpired, "The session has expired; sign in again.")
        : (ErrorCodes.AuthSessionRevoked, "This session has ended; sign in again.");

    /// <summary>Role and tier can change during a credential's life (promotion, a subscription event): the grain's are current.</summary>
    public static void ApplyCurrent(ClaimsIdentity identity, SessionCheck check)
    {
        foreach (var stale in identity.FindAll(c => c.Type is AccessTokens.RoleClaim or AccessTokens.TierClaim).ToList())
        {
            identity.RemoveClaim(stale);
        }

        identity.AddClaim(new Claim(AccessTokens.RoleClaim, check.Role));
        identity.AddClaim(new Claim(AccessTokens.TierClaim, check.Tier));
    }
}
