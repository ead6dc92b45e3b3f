using HiveSync.Grains.Interfaces.Auth;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>The caller's device as recorded on sessions and audit entries.</summary>
public static class DeviceInfoOf
{
    private const int UserAgentMaxLength = 512;

    public static DeviceInfo Request(HttpContext context, string? deviceName = null)
    {
        var userAgent = context.Request.Headers.UserAgent.ToString();
        return new DeviceInfo(
            userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, UserAgentMaxLength)],
            context.Connection.RemoteIpAddress?.ToString(),
            deviceName);
    }
}
