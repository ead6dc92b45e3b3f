using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Tasks;

/// <summary>Tasks' registration: the store, the attachment settings (validated at start-up) and the upload sweep.</summary>
public static class TaskServices
{
    public static IServiceCollection AddHiveSyncTasks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TaskStore>();
        services.AddOptions<AttachmentOptions>().Bind(configuration.GetSection(AttachmentOptions.Section)).ValidateSettings(AttachmentOptions.Section, AttachmentOptions.Problems);
        services.AddStartupReminder("upload sweep", sp => sp.GetRequiredService<IGrainFactory>().GetGrain<IUploadSweepGrain>(0).EnsureScheduled());
        return services;
    }
}
