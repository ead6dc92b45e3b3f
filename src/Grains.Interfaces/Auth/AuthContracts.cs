namespace HiveSync.Grains.Interfaces.Auth;

public static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";
}

/// <summary>Where a request came from, recorded on device sessions and in the audit log.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceInfo(string? UserAgent, string? IpAddress, string? DeviceName);

[GenerateSerializer, Immutable]
public sealed record Registration(string? Email, string? Password, string? DisplayName);

/// <summary>The user object of <c>GET /user/me</c>: tier and subscription fields come from the user's subscriptions (none: free, nulls).</summary>
[GenerateSerializer, Immutable]
public sealed record UserAccount(
    long Id,
    string Email,
    string Role,
    string Tier,
    string? SubscriptionStatus,
    string? SubscriptionId,
    DateTimeOffset? RenewsAt,
    DateTimeOffset? EndsAt);

/// <summary>A new or rotated session: what the API needs to mint the access token and answer.</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedSession(
    UserAccount User,
    Guid SessionId,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt);

/// <summary>
/// What the user's subscriptions grant from <paramref name="From"/> on (billing computes it; Auth shows it): the
/// tier and the subscription fields of the user object. A timeline of these covers the changes that need no
/// event, such as a cancelled subscription lapsing at its <c>ends_at</c>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserPlan(DateTimeOffset From, string Tier, string? SubscriptionStatus, string? SubscriptionId, DateTimeOffset? RenewsAt, DateTimeOffset? EndsAt)
{
    public static UserPlan Free { get; } = new(DateTimeOffset.MinValue, Limits.Tiers.Free, null, null, null, null);

    /// <summary>The entry in force at <paramref name="now"/> of a timeline ordered by <see cref="From"/>; none: free.</summary>
    public static UserPlan At(IReadOnlyList<UserPlan> timeline, DateTimeOffset now)
    {
        var current = Free;
        foreach (var plan in timeline)
        {
            if (plan.From > now)
            {
                break;
            }

            current = plan;
        }

        return current;
    }
}

public enum SessionCheckResult
{
    Active,
    Revoked,
    Expired,
    UnknownUser,
}

/// <summary>
/// The answer of the per-request check. For a live session it also carries the account as it is now (so a route
/// that shows it needs no second call) and, when the route draws from the caller's own rate-limit bucket, the
/// decision for this request, taken in the same call.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionCheck(SessionCheckResult Result, string Role, string Tier, UserAccount? Account = null, Limits.RateLimitDecision? RateLimit = null);

public enum SessionEndReason
{
    Logout,
    Revoked,
    RefreshTokenReuse,
    Evicted,
}

[GenerateSerializer, Immutable]
public sealed record DeviceSessionView(
    Guid Id,
    string? DeviceName,
    string? UserAgent,
    string? IpAddress,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt);

[GenerateSerializer, Immutable]
public sealed record UserProfile(
    long Id,
    string Email,
    string? DisplayName,
    string? AvatarUrl,
    string PreferencesJson,
    string Role,
    bool EmailVerified,
    string Tier,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Username = null);

/// <summary>A PATCH of the profile: only the fields marked as set change; set-to-null clears.</summary>
[GenerateSerializer, Immutable]
public sealed record ProfileChanges(
    bool SetDisplayName,
    string? DisplayName,
    bool SetAvatarUrl,
    string? AvatarUrl,
    bool SetPreferences,
    string? PreferencesJson,
    bool SetUsername = false,
    string? Username = null);
