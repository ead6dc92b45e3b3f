namespace HiveSync.Grains.Interfaces.Auth;

/// <summary>
/// Where one-time login tokens are issued and exchanged for cookie sessions (a stateless worker, like
/// <see cref="IAccountsGrain"/>): it starts from a user's session or from a token, and hands over to the token's
/// own <see cref="ISessionTokenGrain"/> and the user's <see cref="IUserGrain"/>.
/// </summary>
public interface ISessionTokenExchangeGrain : IGrainWithIntegerKey
{
    /// <summary>Creates a one-time token for the user of a live session (the mobile or desktop client).</summary>
    Task<IssuedSessionToken> Issue(long userId, Guid issuingSessionId, DeviceInfo device);

    /// <summary>
    /// Redeems a token once and opens a cookie session for its user. Missing token: VALIDATION_ERROR; unknown,
    /// expired, used, or issued by a session that has ended since: TOKEN_EXPIRED.
    /// </summary>
    Task<IssuedCookieSession> Exchange(string token, DeviceInfo device);
}
