using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Limits;

/// <summary>Limits' registration: the tier policy and the sign-in guard, bound and validated here (the API reads them too).</summary>
public static class LimitsServices
{
    public static IServiceCollection AddHiveSyncLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TierOptions>().Bind(configuration.GetSection(TierOptions.Section)).ValidateSettings(TierOptions.Section, TierPolicy.Problems);
        services.AddOptions<LoginGuardOptions>().Bind(configuration.GetSection(LoginGuardOptions.Section)).ValidateSettings(LoginGuardOptions.Section);
        return services;
    }
}
