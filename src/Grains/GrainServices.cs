using HiveSync.Grains.Audit;
using HiveSync.Grains.Auth;
using HiveSync.Grains.Billing;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace HiveSync.Grains;

/// <summary>What the grains need from DI; the silo host and the grain-level tests register it the same way.</summary>
public static class GrainServices
{
    public static IServiceCollection AddHiveSyncGrainServices(this IServiceCollection services, NpgsqlDataSource database)
    {
        services.AddSingleton(database);
        services.TryAddSingleton(DomainClock.System);
        services.AddSingleton<UserStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PasswordHashing>();
        services.AddHiveSyncBilling();
        return services;
    }
}
