using System.Net;
using System.Net.Sockets;

namespace HiveSync.WebApi.Platform.RateLimiting;

/// <summary>Who a caller that is not signed in is, for rate limiting: their IP, and for IPv6 their /64.</summary>
public static class ClientAddress
{
    /// <summary>
    /// <c>ip:1.2.3.4</c>, or <c>ip:2001:db8:1:2::/64</c>: one IPv6 host is handed a whole /64 and can pick any
    /// address in it, so a per-address bucket would give it 2^64 buckets. IPv4-mapped addresses count as IPv4.
    /// </summary>
    public static string BucketSubject(IPAddress? address)
    {
        if (address is null)
        {
            return "ip:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"ip:{new IPAddress(bytes)}/64";
    }
}
