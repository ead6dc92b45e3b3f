using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// What bearer tokens and session cookies share once their signature holds: the <c>sub</c>/<c>sid</c> claims,
/// the session check in the user's grain on every request, and the grain's current role and tier.
/// </summary>
public static class SessionValidation
{
    // Keyed by the verified identity, so a copy lives exactly as long as the remembered token it was made for.
    private static readonly ConditionalWeakTable<ClaimsIdentity, CurrentCopy> CurrentCopies = new();

    public static bool TryReadSession(ClaimsIdentity? identity, out long userId, out Guid sessionId)
    {
        sessionId = Guid.Empty;
        return long.TryParse(identity?.FindFirst(AccessTokens.SubjectClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out userId)
            && Guid.TryParse(identity?.FindFirst(AccessTokens.SessionClaim)?.Value, out sessionId);
    }

    /// <summary>
    /// The one grain call of every signed-in request: session live, role and tier now, the account, and the
    /// decision of the route's rate limit when it draws from the caller's own bucket. Kept for the rest of the request.
    /// </summary>
    public static async Task<SessionCheck> CheckAsync(HttpContext context, long userId, Guid sessionId)
    {
        var user = context.RequestServices.GetRequiredService<GrainReferences<IUserGrain>>().Get(userId);
        var check = await user.CheckSession(sessionId, RateLimitRoutes.CallerBucketGroup(context.GetEndpoint()));
        context.Features.Set(check);
        return check;
    }

    /// <summary>This request's check, made during authentication (a signed-in route only).</summary>
    public static SessionCheck CheckedSession(this HttpContext context) =>
        context.Features.Get<SessionCheck>() ?? throw new InvalidOperationException("No session check ran for this request: the route is not signed in.");

    /// <summary>The signed-in caller's account as the session check found it, current to this request.</summary>
    public static UserAccount CallerAccount(this HttpContext context) =>
        context.CheckedSession().Account ?? throw new InvalidOperationException("The session check of a live session carries the account.");

    /// <summary>The answer for a session that is no longer live.</summary>
    public static (ApiErrorCode Code, string Message) Rejection(SessionCheckResult result) => result == SessionCheckResult.Expired
        ? (ErrorCodes.AuthTokenExpired, "The session has expired; sign in again.")
        : (ErrorCodes.AuthSessionRevoked, "This session has ended; sign in again.");

    /// <summary>
    /// The identity a bearer request runs as: the verified token's claims with the role and tier of the session check.
    /// The verified identity is shared by every request with the same token (<see cref="RememberingTokenHandler"/>), so
    /// it is never changed: the current copy is made once per token and role/tier, then shared the same way.
    /// </summary>
    public static ClaimsIdentity Current(ClaimsIdentity verified, SessionCheck check)
    {
        if (CurrentCopies.TryGetValue(verified, out var known) && known.Role == check.Role && known.Tier == check.Tier)
        {
            return known.Identity;
        }

        var current = verified.Clone();
        ApplyCurrent(current, check);
        CurrentCopies.AddOrUpdate(verified, new CurrentCopy(check.Role, check.Tier, current));
        return current;
    }

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

    private sealed record CurrentCopy(string Role, string Tier, ClaimsIdentity Identity);
}
