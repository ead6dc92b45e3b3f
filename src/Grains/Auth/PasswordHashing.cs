using HiveSync.Grains.Interfaces.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Auth;

/// <summary>
/// ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, versioned format) at the configured iteration count;
/// hashes made with fewer iterations verify as "rehash needed" and are upgraded on the next sign-in.
/// </summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<object> _hasher;
    private readonly Lazy<string> _decoy;

    public PasswordHashing(IOptions<AuthOptions> options)
    {
        _hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { IterationCount = options.Value.PasswordHashIterations }));
        _decoy = new Lazy<string>(() => Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));
    }

    public string Hash(string password) => _hasher.HashPassword(this, password);

    public PasswordVerificationResult Verify(string hash, string password) => _hasher.VerifyHashedPassword(this, hash, password);

    /// <summary>Spends the same time as a real check, for sign-ins to emails that have no account.</summary>
    public void VerifyDecoy(string password) => Verify(_decoy.Value, password);
}
