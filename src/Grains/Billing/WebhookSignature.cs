using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace HiveSync.Grains.Billing;

/// <summary>
/// LemonSqueezy's <c>X-Signature</c>: lowercase hex of HMAC-SHA256 over the raw request body, keyed with the
/// webhook's signing secret. Checked on the bytes as received (re-serialised JSON would differ) in constant time.
/// </summary>
public static class WebhookSignature
{
    private const int HashBytes = 32;

    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        var given = signature.AsSpan().Trim();
        if (given.Length != HashBytes * 2)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[HashBytes];
        if (Convert.FromHexString(given, presented, out _, out var written) != OperationStatus.Done || written != HashBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>The signature LemonSqueezy would send for <paramref name="body"/>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
