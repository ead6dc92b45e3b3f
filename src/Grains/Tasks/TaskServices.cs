using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Tasks;

public static class TaskServices
{
    public static IServiceCollection AddHiveSyncTasks(this IServiceCollection services) => services.AddSingleton<TaskStore>();
}
