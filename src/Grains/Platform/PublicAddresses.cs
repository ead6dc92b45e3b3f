using System.Net;
using System.Net.Sockets;

namespace HiveSync.Grains.Platform;

/// <summary>
/// Whether an address is on the public internet: not loopback, private, shared (CGNAT), link-local (cloud metadata),
/// multicast, reserved, documentation or NAT64. What HiveSync stores or calls on a user's behalf must point there.
/// </summary>
public static class PublicAddresses
{
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    public static bool IsPublic(IPAddress address)
    {
        var normalised = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return normalised.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && !NonPublic.Any(n => n.BaseAddress.AddressFamily == normalised.AddressFamily && n.Contains(normalised));
    }

    /// <summary>
    /// An absolute https URL without credentials whose host is a public address or a name that is not local
    /// (<c>localhost</c>, <c>*.localhost</c>, <c>*.local</c>, <c>*.internal</c>, single-label names). Names are not
    /// resolved here: who connects to one checks the address it resolves to at connect time.
    /// </summary>
    public static bool IsPublicHttpsUrl(string value, int maxLength, out Uri? url)
    {
        url = null;
        if (value.Length > maxLength
            || !Uri.TryCreate(value, UriKind.Absolute, out var parsed)
            || parsed.Scheme != Uri.UriSchemeHttps
            || !string.IsNullOrEmpty(parsed.UserInfo)
            || string.IsNullOrEmpty(parsed.Host))
        {
            return false;
        }

        var host = parsed.IdnHost.TrimEnd('.');
        var isPublic = IPAddress.TryParse(host.Trim('[', ']'), out var ip)
            ? IsPublic(ip)
            : host.Contains('.', StringComparison.Ordinal)
                && !host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
                && !host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
                && !host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase);
        url = isPublic ? parsed : null;
        return isPublic;
    }
}
