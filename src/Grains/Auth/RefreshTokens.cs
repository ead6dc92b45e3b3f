using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiveSync.Grains.Auth;

/// <summary>
/// Opaque refresh tokens, shown to the client once and stored only as SHA-256:
/// <c>hsr2.{user id}.{session id}.{256 random bits}</c>. Naming their user and session lets a refresh go straight
/// to the user's grain, whose one statement tells a live token from a spent, expired or unknown one; the random part
/// is the secret. Tokens issued before had only the random part (<c>hsr_...</c>) and are still found by their hash.
/// </summary>
public static class RefreshTokens
{
    private const string LegacyPrefix = "hsr_";
    private const string Prefix = "hsr2.";
    private const int SecretLength = 43; // 32 bytes in unpadded base64url

    public static (string Token, byte[] Hash) Create(long userId, Guid sessionId)
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var token = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{userId}.{sessionId:N}.{secret}");
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The user and session a current token names; false for anything else (legacy tokens included).</summary>
    public static bool TryReadOwner(string? token, out long userId, out Guid sessionId)
    {
        userId = 0;
        sessionId = Guid.Empty;
        if (token is null || token.Length > 128 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token[Prefix.Length..].Split('.');
        return parts.Length == 3
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out userId) && userId > 0
            && Guid.TryParseExact(parts[1], "N", out sessionId)
            && IsSecret(parts[2]);
    }

    /// <summary>Cheap shape check of a legacy token so garbage never reaches the database.</summary>
    public static bool LooksLikeLegacy(string? token) =>
        token is { Length: 47 } && token.StartsWith(LegacyPrefix, StringComparison.Ordinal) && IsSecret(token[LegacyPrefix.Length..]);

    private static bool IsSecret(string text) =>
        text.Length == SecretLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
