using Orleans.Concurrency;

namespace HiveSync.Grains.Interfaces.Auth;

/// <summary>
/// One user (keyed by user id): the only writer of the user's row, profile, role, device sessions and
/// refresh-token rotation. Sessions are checked here on every authenticated request.
/// </summary>
public interface IUserGrain : IGrainWithIntegerKey
{
    Task<UserAccount> GetAccount();

    /// <summary>Marks the address verified with the link whose token hashes to <paramref name="tokenHash"/>; 410 TOKEN_EXPIRED when it no longer can.</summary>
    Task<UserProfile> ConfirmEmail(byte[] tokenHash);

    /// <summary>Sets <paramref name="password"/> with the reset link whose token hashes to <paramref name="tokenHash"/> and ends every session.</summary>
    Task ResetPassword(byte[] tokenHash, string password);

    /// <summary>Opens a device session right after registration.</summary>
    Task<IssuedSession> StartSession(DeviceInfo device);

    /// <summary>The stored password hash, for the accounts grain to verify a sign-in against; null when the user is gone.</summary>
    Task<string?> GetPasswordHash();

    /// <summary>
    /// Opens a device session for a password the accounts grain verified against <paramref name="verifiedHash"/>
    /// (AUTH_INVALID_CREDENTIALS when the hash changed since); with <paramref name="rehashPassword"/>, first stores it
    /// hashed at the current cost.
    /// </summary>
    Task<IssuedSession> SignIn(string verifiedHash, string? rehashPassword, DeviceInfo device);

    /// <summary>Rotates the refresh token of a session; a used token revokes the whole session.</summary>
    Task<IssuedSession> Refresh(Guid sessionId, string refreshToken, DeviceInfo device);

    /// <summary>
    /// Whether an access token's session is still live; records when it was last seen. With a route group, a live
    /// session also takes one request from the user's own bucket of that group at their tier's rate: the user's
    /// buckets live in this grain, so every request's checks are one call and the count is exact across silos.
    /// </summary>
    [AlwaysInterleave]
    Task<SessionCheck> CheckSession(Guid sessionId, string? rateLimitGroup = null);

    /// <summary>
    /// Opens a cookie session (web frontend) for a redeemed one-time token; null when the session that asked for
    /// the token has ended since (or the user is gone).
    /// </summary>
    Task<IssuedCookieSession?> StartCookieSession(Guid issuingSessionId, DeviceInfo device);

    /// <summary>Ends one of the user's sessions (logout, or delete from the sessions list).</summary>
    Task EndSession(Guid sessionId, SessionEndReason reason, DeviceInfo actor);

    Task<IReadOnlyList<DeviceSessionView>> ListSessions();

    Task<UserProfile> GetProfile();

    /// <summary>
    /// Re-reads the user's row after a change made outside this grain (the silo host's <c>admin grant</c> and
    /// <c>admin revoke</c>); answers the role now in force.
    /// </summary>
    Task<string> ReloadAccount();

    Task<UserProfile> UpdateProfile(ProfileChanges changes);

    /// <summary>
    /// Billing hands over the plan the user's subscriptions grant, as a timeline ordered by <see cref="UserPlan.From"/>
    /// (replacing the previous one); the tier of every later request comes from it. Stored before it is used.
    /// </summary>
    Task SetPlan(IReadOnlyList<UserPlan> timeline);

    /// <summary>Whether an account with this id exists (other domains link to users through this, not through Auth's tables).</summary>
    Task<bool> Exists();
}
