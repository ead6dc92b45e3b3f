using HiveSync.Grains.Interfaces.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Projects;

/// <summary>Projects' registration: the store the project grains and the directory share, and invitations.</summary>
public static class ProjectServices
{
    public static IServiceCollection AddHiveSyncProjects(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ProjectStore>();
        services.AddOptions<InvitationOptions>().Bind(configuration.GetSection(InvitationOptions.Section)).ValidateSettings(InvitationOptions.Section, InvitationOptions.Problems);
        services.AddSingleton<InvitationEmails>();
        services.AddSingleton<InvitationAcceptance>();
        services.AddSingleton<Auth.IEmailVerifiedStep, InvitationTakeUp>();
        return services;
    }
}
