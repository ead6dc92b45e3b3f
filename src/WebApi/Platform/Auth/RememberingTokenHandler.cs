using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// A <see cref="JsonWebTokenHandler"/> that verifies each token once: a token whose signature, issuer, audience and
/// lifetime held is remembered (by its exact text) until it expires, so the next requests with it skip the parsing
/// and the HMAC. Only the signature work is saved: the session is still checked in the user's grain on every request,
/// so a revoked session is refused on its very next request either way. Failures are never remembered. One instance
/// per set of validation parameters (the bearer scheme's, the session cookie's): a token is only ever checked against them.
/// </summary>
public sealed class RememberingTokenHandler : JsonWebTokenHandler
{
    public RememberingTokenHandler()
    {
        MapInboundClaims = false; // claim names exactly as issued (sub, sid, role)
        _recall = _verified.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Upper bound of remembered tokens (each about 2 KB); beyond it the memory is emptied and refills.</summary>
    public const int Capacity = 20_000;

    private const int PruneEvery = 1024;

    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Verified>.AlternateLookup<ReadOnlySpan<char>> _recall;
    private int _additions;

    /// <summary>
    /// The identity of a token verified earlier that has not expired, found by its text without copying it and without
    /// a validation result: what every signed-in request with a known token needs.
    /// </summary>
    public bool TryRecall(ReadOnlySpan<char> token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ClaimsIdentity? identity)
    {
        identity = _recall.TryGetValue(token, out var known) && DateTime.UtcNow < known.GoodUntil ? known.Identity : null;
        return identity is not null;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = DateTime.UtcNow; // the wall clock, as the base handler's lifetime check uses
        if (_verified.TryGetValue(token, out var known) && now < known.GoodUntil)
        {
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = known.Token,
                ClaimsIdentity = known.Identity, // shared by every request with this token: never changed (SessionValidation.Current copies it)
                Issuer = known.Token.Issuer,
                TokenType = known.Token.Typ,
            };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken verified && result.ClaimsIdentity is { } identity)
        {
            Remember(token, new Verified(verified, identity.Clone(), verified.ValidTo + validationParameters.ClockSkew), now);
        }

        return result;
    }

    private void Remember(string token, Verified verified, DateTime now)
    {
        _verified[token] = verified;
        if (Interlocked.Increment(ref _additions) % PruneEvery != 0)
        {
            return;
        }

        foreach (var (key, entry) in _verified)
        {
            if (entry.GoodUntil <= now)
            {
                _verified.TryRemove(key, out _);
            }
        }

        if (_verified.Count > Capacity)
        {
            _verified.Clear();
        }
    }

    private sealed record Verified(JsonWebToken Token, ClaimsIdentity Identity, DateTime GoodUntil);
}
