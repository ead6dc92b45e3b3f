using HiveSync.Grains.Audit;
using HiveSync.Grains.Auth;
using HiveSync.Grains.Billing;
using HiveSync.Grains.Comments;
using HiveSync.Grains.Email;
using HiveSync.Grains.Platform;
using HiveSync.Grains.Limits;
using HiveSync.Grains.Notifications;
using HiveSync.Grains.Projects;
using HiveSync.Grains.Storage;
using HiveSync.Grains.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace HiveSync.Grains;

/// <summary>What the grains need from DI; the silo host and the grain-level tests register it the same way.</summary>
public static class GrainServices
{
    /// <param name="configuration">Where each domain binds its settings; grain tests may pass none (defaults).</param>
    public static IServiceCollection AddHiveSyncGrainServices(this IServiceCollection services, NpgsqlDataSource database, IConfiguration? configuration = null)
    {
        configuration ??= new ConfigurationBuilder().Build();
        services.AddSingleton(database);
        services.TryAddSingleton(DomainClock.System);
        services.AddHiveSyncLimits(configuration);
        services.AddHiveSyncAuth(configuration);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IdempotencyStore>();
        services.AddHiveSyncBilling(configuration);
        services.AddHiveSyncEmail(configuration);
        services.AddHiveSyncStorage(configuration);
        services.AddHiveSyncNotifications(configuration);
        services.AddHiveSyncProjects(configuration);
        services.AddHiveSyncTasks(configuration);
        services.AddHiveSyncComments();
        return services;
    }
}
