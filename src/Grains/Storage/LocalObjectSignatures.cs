using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace HiveSync.Grains.Storage;

/// <summary>
/// The signatures of the local folder's URLs: base64url HMAC-SHA256 over the method, the key and every parameter
/// by name, so no part of a URL can be changed or moved to another. Values are percent-encoded in the signed text,
/// which keeps a file name with a line break from passing for two fields.
/// </summary>
public sealed class LocalObjectSignatures(byte[] key)
{
    public const int MinKeyBytes = 32;

    private const string Version = "hivesync-storage-v1";

    public string Sign(string method, string objectKey, params (string Name, string Value)[] parameters) =>
        Base64Url.EncodeToString(Mac(method, objectKey, parameters));

    /// <summary>Whether <paramref name="signature"/> is this URL's, compared in constant time.</summary>
    public bool IsValid(string? signature, string method, string objectKey, params (string Name, string Value)[] parameters)
    {
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        return signature is { Length: > 0 and <= 64 }
            && Base64Url.TryDecodeFromChars(signature, given, out var written)
            && written == given.Length
            && CryptographicOperations.FixedTimeEquals(given, Mac(method, objectKey, parameters));
    }

    /// <summary>A configured key (<c>Storage:Local:SigningKey</c>, the key file), or null when it is not base64 of at least 32 bytes.</summary>
    public static byte[]? DecodeKey(string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length >= MinKeyBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] Mac(string method, string objectKey, (string Name, string Value)[] parameters)
    {
        var text = new StringBuilder(Version).Append('\n').Append(method).Append('\n').Append(Uri.EscapeDataString(objectKey));
        foreach (var (name, value) in parameters)
        {
            text.Append('\n').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text.ToString()));
    }
}
