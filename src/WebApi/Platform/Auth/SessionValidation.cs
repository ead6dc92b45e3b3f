using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// What bearer tokens and session cookies share once their signature holds: the <c>sub</c>/<c>sid</c> claims,
/// the session check in the user's grain on every request, and the grain's current role and tier.
/// </summary>
public static class SessionValidation
{
    // Keyed by the verified identity, which is shared by every request with the same token (RememberingTokenHandler):
    // what is read from it lives exactly as long as the remembered token it was read from.
    private static readonly ConditionalWeakTable<ClaimsIdentity, VerifiedCaller> Verified = new();

    /// <summary>
    /// Signs the request in as a verified token's caller once its session is live: the one grain call of every
    /// signed-in request answers that, the role and tier now, the account, and the decision of the route's rate limit
    /// when it draws from the caller's own bucket. The check is kept for the rest of the request.
    /// </summary>
    /// <param name="token">The credential's signed token: a known one is recalled without parsing or copying it.</param>
    /// <returns>Null once the request runs as the caller; else why not.</returns>
    public static Task<CallerRejection?> SignInAsync(HttpContext context, GrainReferences<IUserGrain> users, SignedTokenValidation validation, ReadOnlySpan<char> token, CallerCredential credential) =>
        validation.TryRecall(token, out var known)
            ? SignInAsync(context, users, known, credential)
            : VerifyThenSignInAsync(context, users, validation, token.ToString(), credential);

    private static async Task<CallerRejection?> VerifyThenSignInAsync(HttpContext context, GrainReferences<IUserGrain> users, SignedTokenValidation validation, string token, CallerCredential credential)
    {
        var verified = await validation.ValidateAsync(token);
        if (!verified.IsValid)
        {
            return verified.Exception is Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException ? CallerRejection.Expired(credential) : CallerRejection.Invalid(credential);
        }

        return await SignInAsync(context, users, verified.ClaimsIdentity, credential);
    }

    private static async Task<CallerRejection?> SignInAsync(HttpContext context, GrainReferences<IUserGrain> users, ClaimsIdentity? verified, CallerCredential credential)
    {
        if (verified is null || Verified.GetValue(verified, VerifiedCaller.Read) is not { IsValid: true } caller)
        {
            return CallerRejection.Invalid(credential);
        }

        var check = await users.Get(caller.UserId).CheckSession(caller.SessionId, RateLimitRoutes.CallerBucketGroup(context.GetEndpoint()));
        if (check.Result != SessionCheckResult.Active)
        {
            return CallerRejection.SessionEnded(credential, check.Result);
        }

        context.Features.Set(check);
        context.User = caller.Current(check, credential);
        return null;
    }

    /// <summary>This request's check, made during authentication (a signed-in route only).</summary>
    public static SessionCheck CheckedSession(this HttpContext context) =>
        context.Features.Get<SessionCheck>() ?? throw new InvalidOperationException("No session check ran for this request: the route is not signed in.");

    /// <summary>The signed-in caller's account as the session check found it, current to this request.</summary>
    public static UserAccount CallerAccount(this HttpContext context) =>
        context.CheckedSession().Account ?? throw new InvalidOperationException("The session check of a live session carries the account.");

    /// <summary>The caller a request with this verified token runs as, with the role and tier of the session check.</summary>
    public static ClaimsPrincipal Current(ClaimsIdentity verified, SessionCheck check, CallerCredential credential = CallerCredential.Bearer) =>
        Verified.GetValue(verified, VerifiedCaller.Read).Current(check, credential);

    /// <summary>
    /// A verified token's user and session, read once, and the caller made from it for the latest role and tier.
    /// The verified identity is never changed: a caller is a copy, made once per token and role/tier and then shared
    /// by its requests the same way (nothing changes a caller once made).
    /// </summary>
    private sealed class VerifiedCaller(ClaimsIdentity verified, long userId, Guid sessionId, bool isValid)
    {
        private Made? _made;

        public long UserId => userId;

        public Guid SessionId => sessionId;

        public bool IsValid => isValid;

        public static VerifiedCaller Read(ClaimsIdentity verified)
        {
            var isValid = long.TryParse(verified.FindFirst(AccessTokens.SubjectClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
                & Guid.TryParse(verified.FindFirst(AccessTokens.SessionClaim)?.Value, out var sessionId);
            return new VerifiedCaller(verified, userId, sessionId, isValid);
        }

        public ClaimsPrincipal Current(SessionCheck check, CallerCredential credential)
        {
            if (_made is { } made && made.Role == check.Role && made.Tier == check.Tier)
            {
                return made.Caller;
            }

            var identity = credential == CallerCredential.Bearer ? verified.Clone() : CookieIdentity();
            foreach (var stale in identity.FindAll(c => c.Type is AccessTokens.RoleClaim or AccessTokens.TierClaim).ToList())
            {
                identity.RemoveClaim(stale);
            }

            // Role and tier can change during a credential's life (promotion, a subscription event): the grain's are current.
            identity.AddClaim(new Claim(AccessTokens.RoleClaim, check.Role));
            identity.AddClaim(new Claim(AccessTokens.TierClaim, check.Tier));
            var caller = new ClaimsPrincipal(identity);
            _made = new Made(check.Role, check.Tier, caller);
            return caller;
        }

        // Only who and which session: a cookie caller's stream of notifications lives as long as the session, not the cookie's token.
        private ClaimsIdentity CookieIdentity() => new(
            [
                new Claim(AccessTokens.SubjectClaim, userId.ToString(CultureInfo.InvariantCulture)),
                new Claim(AccessTokens.SessionClaim, sessionId.ToString()),
            ],
            CookieSessionAuthentication.CookieScheme,
            AccessTokens.SubjectClaim,
            AccessTokens.RoleClaim);

        private sealed record Made(string Role, string Tier, ClaimsPrincipal Caller);
    }
}
