namespace HiveSync.Grains.Interfaces.Auth;

/// <summary>
/// One one-time login token (mobile → web), keyed <c>st-</c> + hex SHA-256 of the token so the token itself is
/// never stored. Its single-threaded state is the only place the token is redeemed, and the write of the used
/// mark is the commit point: however many silos pass the same token in at once, one redemption succeeds.
/// </summary>
public interface ISessionTokenGrain : IGrainWithStringKey
{
    /// <summary>Creates the token for this key, valid for <c>Auth:SessionTokenLifetime</c>; returns its expiry.</summary>
    Task<DateTimeOffset> Issue(long userId, Guid issuingSessionId, DeviceInfo device);

    /// <summary>Marks the token used (persisted before it returns); fails with TOKEN_EXPIRED when it is unknown, expired or used.</summary>
    Task<SessionTokenRedemption> Redeem();
}
