using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Auth;

/// <summary>Accounts' registration: <c>Auth</c> settings (bound and validated here, read by the API too), store, hashing.</summary>
public static class AuthServices
{
    public static IServiceCollection AddHiveSyncAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateSettings(
            AuthOptions.Section,
            o => o.SigningKey is null || IsStrongKey(o.SigningKey) ? [] : ["Auth:SigningKey must be base64 of at least 32 bytes."]);
        services.AddSingleton<UserStore>();
        services.AddSingleton<RefreshTokenKey>();
        services.AddSingleton<AccountEmails>();
        services.AddSingleton<PasswordHashing>();
        return services;
    }

    private static bool IsStrongKey(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var length) && length >= 32;
    }
}
