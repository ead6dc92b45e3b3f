using HiveSync.Grains.Interfaces.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Notifications;

/// <summary>Notifications' registration: the store, the digest emails, the stream's settings, and this silo's listener of new notifications.</summary>
public static class NotificationServices
{
    public static IServiceCollection AddHiveSyncNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NotificationStore>();
        services.AddOptions<NotificationStreamOptions>().Bind(configuration.GetSection(NotificationStreamOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationStreamOptions>, NotificationStreamOptionsValidator>();
        services.AddOptions<NotificationEmailOptions>().Bind(configuration.GetSection(NotificationEmailOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationEmailOptions>, NotificationEmailOptionsValidator>();
        services.AddSingleton<NotificationEmails>();
        services.AddSingleton<NotificationDigests>();
        services.AddHostedService<NotificationDigestSchedule>();
        services.AddSingleton<NotificationSignals>();
        services.AddSingleton<INotificationSignals>(sp => sp.GetRequiredService<NotificationSignals>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationSignals>());
        return services;
    }
}

/// <summary>Start-up validation of <c>Notifications:Stream</c>, naming every wrong setting.</summary>
public sealed class NotificationStreamOptionsValidator : IValidateOptions<NotificationStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationStreamOptions options)
    {
        var problems = NotificationStreamOptions.Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Start-up validation of <c>Notifications:Email</c>, naming every wrong setting.</summary>
public sealed class NotificationEmailOptionsValidator : IValidateOptions<NotificationEmailOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationEmailOptions options)
    {
        var problems = NotificationEmailOptions.Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
