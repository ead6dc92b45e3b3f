using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace HiveSync.Grains.Auth;

/// <summary>Opaque refresh tokens: 256 random bits, shown to the client once, stored only as SHA-256.</summary>
public static class RefreshTokens
{
    private const string Prefix = "hsr_";

    public static (string Token, byte[] Hash) Create()
    {
        var token = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Cheap shape check so garbage never reaches the database.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 47 } && token.StartsWith(Prefix, StringComparison.Ordinal) && token.Skip(Prefix.Length).All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
