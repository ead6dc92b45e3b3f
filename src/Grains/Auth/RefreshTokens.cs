using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiveSync.Grains.Auth;

/// <summary>
/// Opaque refresh tokens, shown to the client once. Current tokens are signed, not stored:
/// <c>hsr3.{user id}.{session id}.{generation}.{HMAC-SHA256 of the text before it}</c>. The session's row keeps only
/// the generation of its current token, so a rotation is one update of that row; a genuine token of an older
/// generation is a reuse, a token whose MAC fails was never issued. Tokens issued before were random and are found by
/// their SHA-256 in <c>refresh_tokens</c>: <c>hsr2.{user id}.{session id}.{256 random bits}</c> (naming their owner) and
/// <c>hsr_{256 random bits}</c> (found by the hash alone); they rotate into the signed form.
/// </summary>
public static class RefreshTokens
{
    private const string SignedPrefix = "hsr3.";
    private const string NamedPrefix = "hsr2.";
    private const string LegacyPrefix = "hsr_";
    private const int SecretLength = 43; // 32 bytes in unpadded base64url: the random part, or the MAC
    private const int MaxLength = 160;

    /// <summary>The token of <paramref name="generation"/> for a session, signed with <paramref name="key"/> (<see cref="RefreshTokenKey"/>).</summary>
    public static string Create(long userId, Guid sessionId, long generation, byte[] key)
    {
        var signed = string.Create(CultureInfo.InvariantCulture, $"{SignedPrefix}{userId}.{sessionId:N}.{generation}");
        return $"{signed}.{Base64Url.EncodeToString(Mac(signed, key))}";
    }

    /// <summary>A token of the signed form, read but not yet checked: <see cref="SignedRefreshToken.IsGenuine"/> does that.</summary>
    public static bool TryReadSigned(string? text, out SignedRefreshToken token)
    {
        token = default;
        if (!HasShape(text, SignedPrefix, 4, out var userId, out var sessionId, out var parts)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }

        token = new SignedRefreshToken(userId, sessionId, generation, text!);
        return true;
    }

    /// <summary>The user and session a signed or a hashed <c>hsr2</c> token names; false for anything else (<c>hsr_</c> included).</summary>
    public static bool TryReadOwner(string? token, out long userId, out Guid sessionId)
    {
        if (TryReadSigned(token, out var current))
        {
            (userId, sessionId) = (current.UserId, current.SessionId);
            return true;
        }

        return HasShape(token, NamedPrefix, 3, out userId, out sessionId, out _);
    }

    /// <summary>What <c>refresh_tokens</c> keeps of a hashed (<c>hsr2</c>, <c>hsr_</c>) token.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Cheap shape check of an <c>hsr_</c> token so garbage never reaches the database.</summary>
    public static bool LooksLikeLegacy(string? token) =>
        token is { Length: 47 } && token.StartsWith(LegacyPrefix, StringComparison.Ordinal) && IsSecret(token[LegacyPrefix.Length..]);

    internal static byte[] Mac(string signedText, byte[] key) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signedText));

    // prefix, then a positive user id, a session id in "N" form, the middle parts, and the 43-character secret or MAC.
    private static bool HasShape(string? token, string prefix, int count, out long userId, out Guid sessionId, out string[] parts)
    {
        (userId, sessionId, parts) = (0, Guid.Empty, []);
        if (token is null || token.Length > MaxLength || !token.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        parts = token[prefix.Length..].Split('.');
        return parts.Length == count
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out userId) && userId > 0
            && Guid.TryParseExact(parts[1], "N", out sessionId)
            && IsSecret(parts[^1]);
    }

    private static bool IsSecret(string text) =>
        text.Length == SecretLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>A presented token of the signed form: what it claims, and whether its MAC proves that this server issued it.</summary>
public readonly record struct SignedRefreshToken(long UserId, Guid SessionId, long Generation, string Token)
{
    public bool IsGenuine(byte[] key)
    {
        var cut = Token.LastIndexOf('.');
        Span<byte> presented = stackalloc byte[32];
        return Base64Url.TryDecodeFromChars(Token.AsSpan(cut + 1), presented, out var length)
            && length == 32
            && CryptographicOperations.FixedTimeEquals(presented, RefreshTokens.Mac(Token[..cut], key));
    }
}
