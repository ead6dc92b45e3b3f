using HiveSync.Grains.Interfaces.Auth;

namespace HiveSync.WebApi.Auth;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? DeviceName);

public sealed record LoginRequest(string? Email, string? Password, string? DeviceName);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>The user object of the spec (<c>GET /user/me</c>, <c>/auth/me</c>, sign-in answers).</summary>
public sealed record UserResponse(
    long Id,
    string Email,
    string Tier,
    string? SubscriptionStatus,
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
    string TokenType,
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
