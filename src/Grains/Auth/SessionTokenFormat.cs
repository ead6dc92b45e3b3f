using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace HiveSync.Grains.Auth;

/// <summary>
/// One-time login tokens: <c>hst_</c> + 256 random bits in base64url (URL-safe, so it goes into a link as is).
/// The token's grain is keyed by its SHA-256 in hex behind a non-hex prefix: the same token always reaches the
/// same grain, and neither storage nor logs ever hold the token itself.
/// </summary>
public static class SessionTokenFormat
{
    private const string Prefix = "hst_";
    private const string KeyPrefix = "st-";
    private const int Length = 47; // prefix + 43 base64url characters for 32 bytes

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static (string Token, string GrainKey) Create()
    {
        var token = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, GrainKeyOf(token));
    }

    public static string GrainKeyOf(string token) => KeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Cheap shape check: anything else is answered like an unknown token without touching a grain.</summary>
    public static bool LooksValid(string token) =>
        token.Length == Length
        && token.StartsWith(Prefix, StringComparison.Ordinal)
        && !token.AsSpan(Prefix.Length).ContainsAnyExcept(Base64UrlAlphabet);
}
