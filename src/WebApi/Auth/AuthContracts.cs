using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform;

namespace HiveSync.WebApi.Auth;

// Required fields are non-nullable and optional ones have defaults, so the OpenAPI document says what the server
// accepts; a missing required field still arrives as null and is answered with VALIDATION_ERROR naming it.
public sealed record RegisterRequest(string Email, string Password, string? DisplayName = null, string? DeviceName = null);

public sealed record LoginRequest(string Email, string Password, string? DeviceName = null);

public sealed record RefreshRequest(string RefreshToken);

/// <summary>The user object of the spec (<c>GET /user/me</c>, <c>/auth/me</c>, sign-in answers).</summary>
public sealed record UserResponse(
    long Id,
    string Email,
    [property: ClosedSet(typeof(Tiers))] string Tier,
    [property: ClosedSet(typeof(ApiSubscriptionStatuses))] string? SubscriptionStatus,
    string? SubscriptionId,
    DateTimeOffset? RenewsAt,
    DateTimeOffset? EndsAt)
{
    public static UserResponse From(UserAccount account) => new(
        account.Id, account.Email, account.Tier, account.SubscriptionStatus, account.SubscriptionId, account.RenewsAt, account.EndsAt);
}

/// <summary>What register, login and refresh return: a new access token and the session's next refresh token.</summary>
public sealed record TokenResponse(
    string AccessToken,
    [property: ClosedSet(typeof(TokenTypes))] string TokenType,
    int ExpiresIn,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    Guid SessionId,
    UserResponse User);

public sealed record SessionResponse(
    Guid Id,
    bool Current,
    string? DeviceName,
    string? UserAgent,
    string? IpAddress,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt);

public static class TokenTypes
{
    public const string Bearer = "Bearer";
}
