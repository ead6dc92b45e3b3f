using System.Security.Claims;
using HiveSync.Grains.Interfaces.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>Mints and checks the short-lived access tokens (HS256 JWT) bound to a device session by the <c>sid</c> claim.</summary>
public sealed class AccessTokens(IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string SessionClaim = "sid";
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";

    /// <summary>Set per request from the user's grain (never trusted from the token).</summary>
    public const string TierClaim = "tier";

    private readonly JsonWebTokenHandler _handler = new();
    private SigningCredentials? _credentials; // one key object, so its HMAC is set up once and reused
    private SignedTokenValidation? _validation;

    /// <summary>How access tokens are checked.</summary>
    public SignedTokenValidation Validation => _validation ??= new SignedTokenValidation(options.Value, options.Value.Audience, BearerAuthentication.Scheme);

    public IssuedAccessToken Issue(IssuedSession session)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Value.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [SubjectClaim] = session.User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [SessionClaim] = session.SessionId.ToString(),
                [RoleClaim] = session.User.Role,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = _credentials ??= new SigningCredentials(SigningKey(options.Value), SecurityAlgorithms.HmacSha256),
        });
        return new IssuedAccessToken(token, expires, (int)options.Value.AccessTokenLifetime.TotalSeconds);
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions options) =>
        new(Convert.FromBase64String(options.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set and was not generated at start-up.")));
}

public sealed record IssuedAccessToken(string Token, DateTimeOffset ExpiresAt, int ExpiresInSeconds);

public static class CallerClaims
{
    public static long UserId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(AccessTokens.SubjectClaim) ?? throw new InvalidOperationException("No subject claim."), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The caller's current tier; free when not signed in.</summary>
    public static string Tier(this ClaimsPrincipal user) => user.FindFirstValue(AccessTokens.TierClaim) ?? HiveSync.Grains.Interfaces.Limits.Tiers.Free;

    public static Guid SessionId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(AccessTokens.SessionClaim) ?? throw new InvalidOperationException("No session claim."));
}
