using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Projects;

/// <summary>Projects' registration: the store the project grains and the directory share.</summary>
public static class ProjectServices
{
    public static IServiceCollection AddHiveSyncProjects(this IServiceCollection services)
    {
        services.AddSingleton<ProjectStore>();
        return services;
    }
}
