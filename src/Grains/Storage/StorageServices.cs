using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Storage;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Storage;

/// <summary>Object storage's registration: its settings (validated at start-up) and the one backend they choose.</summary>
public static class StorageServices
{
    public static IServiceCollection AddHiveSyncStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateSettings(StorageOptions.Section, StorageOptions.Problems);

        // Chosen once, here: the API's local routes exist only with the local folder, and switching is a restart.
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (options.S3Configured)
        {
            services.AddSingleton<IObjectStorage, S3ObjectStorage>();
        }
        else
        {
            services.AddSingleton<LocalFolderObjectStorage>();
            services.AddSingleton<IObjectStorage>(sp => sp.GetRequiredService<LocalFolderObjectStorage>());
            services.AddSingleton<ILocalObjectFolder>(sp => sp.GetRequiredService<LocalFolderObjectStorage>());
        }

        // Deletions are stored by triggers and cascades that cannot call the grain first: the reminder is made at start.
        services.AddSingleton<ObjectDeletions>();
        services.AddStartupReminder("object deletion", sp => sp.GetRequiredService<ObjectDeletions>().EnsureScheduledAsync());
        return services;
    }
}
