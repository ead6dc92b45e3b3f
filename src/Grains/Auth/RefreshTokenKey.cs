using HiveSync.Grains.Interfaces.Auth;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Auth;

/// <summary>
/// The key that signs refresh tokens, derived from <c>Auth:SigningKey</c> (configured, or generated into PostgreSQL):
/// one secret for the cluster, kept where the access tokens' is, and a new signing key ends every refresh token with
/// every access token.
/// </summary>
public sealed class RefreshTokenKey(IOptionsMonitor<AuthOptions> options)
{
    private Derived? _derived;

    public byte[] Current
    {
        get
        {
            var current = options.CurrentValue;
            var derived = _derived;
            if (derived is null || !ReferenceEquals(derived.Source, current.SigningKey))
            {
                derived = new Derived(current.SigningKey, current.DerivedKey("hivesync:refresh-token:v3"u8));
                _derived = derived;
            }

            return derived.Key;
        }
    }

    private sealed record Derived(string? Source, byte[] Key);
}
