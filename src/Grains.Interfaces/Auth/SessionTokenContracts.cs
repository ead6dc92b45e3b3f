namespace HiveSync.Grains.Interfaces.Auth;

/// <summary>A new one-time login token: shown to its client once, never stored in the clear.</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedSessionToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>What a redeemed token stood for: the user, and the session that asked for it.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionTokenRedemption(long UserId, Guid IssuingSessionId);

/// <summary>A new cookie session (web frontend): no refresh token, it lives until <see cref="ExpiresAt"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedCookieSession(UserAccount User, Guid SessionId, DateTimeOffset ExpiresAt);
