using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Projects;

/// <summary>Projects' registration: the store the project grains and the directory share, and invitations.</summary>
public static class ProjectServices
{
    public static IServiceCollection AddHiveSyncProjects(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ProjectStore>();
        services.AddOptions<InvitationOptions>().Bind(configuration.GetSection(InvitationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InvitationOptions>, InvitationOptionsValidator>();
        services.AddSingleton<InvitationEmails>();
        services.AddSingleton<InvitationAcceptance>();
        services.AddSingleton<Auth.IEmailVerifiedStep, InvitationTakeUp>();
        return services;
    }
}

/// <summary>Start-up validation of <c>Invitations</c>, naming every wrong setting.</summary>
public sealed class InvitationOptionsValidator : IValidateOptions<InvitationOptions>
{
    public ValidateOptionsResult Validate(string? name, InvitationOptions options)
    {
        var problems = InvitationOptions.Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
