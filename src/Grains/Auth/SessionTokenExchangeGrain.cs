using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using Orleans.Concurrency;

namespace HiveSync.Grains.Auth;

/// <summary>
/// Issues one-time login tokens and exchanges them for cookie sessions. Stateless, so every silo runs it locally;
/// the token's own grain decides redemption, the user's grain opens the session.
/// </summary>
[StatelessWorker]
public sealed class SessionTokenExchangeGrain : Grain, ISessionTokenExchangeGrain
{
    public async Task<IssuedSessionToken> Issue(long userId, Guid issuingSessionId, DeviceInfo device)
    {
        var (token, key) = SessionTokenFormat.Create();
        var expiresAt = await GrainFactory.GetGrain<ISessionTokenGrain>(key).Issue(userId, issuingSessionId, device);
        return new IssuedSessionToken(token, expiresAt);
    }

    public async Task<IssuedCookieSession> Exchange(string token, DeviceInfo device)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw DomainException.Validation("token", "Required.");
        }

        if (!SessionTokenFormat.LooksValid(token))
        {
            throw SessionTokenGrain.Gone();
        }

        // Redeemed (and persisted as used) before any session exists: a failure after this point burns the token
        // rather than risk a second session from it.
        var redemption = await GrainFactory.GetGrain<ISessionTokenGrain>(SessionTokenFormat.GrainKeyOf(token)).Redeem();
        return await GrainFactory.GetGrain<IUserGrain>(redemption.UserId).StartCookieSession(redemption.IssuingSessionId, device)
            ?? throw SessionTokenGrain.Gone();
    }
}
