namespace HiveSync.Grains.Interfaces.Auth;

/// <summary>
/// The account directory (a stateless worker): the entry points that start from an email address or a
/// refresh token rather than a user id, and hand over to that user's <see cref="IUserGrain"/>.
/// </summary>
public interface IAccountsGrain : IGrainWithIntegerKey
{
    Task<IssuedSession> Register(Registration registration, DeviceInfo device);

    Task<IssuedSession> SignIn(string email, string password, DeviceInfo device);

    Task<IssuedSession> Refresh(string refreshToken, DeviceInfo device);

    /// <summary>Uses an emailed verification link: the account's profile, its address now verified (410 TOKEN_EXPIRED for a link that is unknown, used, expired or for an older address).</summary>
    Task<UserProfile> VerifyEmail(string token);

    /// <summary>Sends <paramref name="userId"/> a new verification link (the earlier ones stop working); answers when it expires.</summary>
    Task<DateTimeOffset> ResendVerification(long userId);

    /// <summary>
    /// Emails a password-reset link when an account has this address, else nothing. One-way: the caller's answer is
    /// the same, and as quick, either way.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task RequestPasswordReset(string email);

    /// <summary>Sets a new password with an emailed reset link and revokes every session (410 TOKEN_EXPIRED for a link that no longer works).</summary>
    Task ConfirmPasswordReset(string token, string password);

    /// <summary>The account registered with this email address (any case), or null.</summary>
    Task<long?> FindByEmail(string email);

    /// <summary>The account with this username (any case), or null.</summary>
    Task<long?> FindByUsername(string username);

    /// <summary>How other domains show these users (email and display name), in no particular order; unknown ids are left out.</summary>
    Task<IReadOnlyList<UserCard>> Describe(IReadOnlyList<long> userIds);
}

/// <summary>What another domain may show of a user: who they are, not their account.</summary>
[GenerateSerializer, Immutable]
public sealed record UserCard(long Id, string Email, string? DisplayName, string? Username = null);
