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

    public string Hash(string password) => _hasher.HashPassword(this, Normalise(password));

    public PasswordVerificationResult Verify(string hash, string password) => _hasher.VerifyHashedPassword(this, hash, Normalise(password));

    // NIST SP 800-63B: NFKC first, so the same password typed on keyboards that compose accents differently matches.
    private static string Normalise(string password)
    {
        try
        {
            return password.Normalize(System.Text.NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return password; // not valid UTF-16: registration refuses such passwords, so it matches nothing
        }
    }

    /// <summary>
    /// Verifies <paramref name="password"/> against an account's <paramref name="hash"/>, or, with no account, against a
    /// decoy hash of the same cost (and fails): the answer takes as long either way, so timing tells no one which
    /// accounts exist.
    /// </summary>
    public PasswordVerificationResult VerifyOrDecoy(string? hash, string password)
    {
        var verdict = Verify(hash ?? _decoy.Value, password);
        return hash is null ? PasswordVerificationResult.Failed : verdict;
    }
}
