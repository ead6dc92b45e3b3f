using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Notifications;

/// <summary>Notifications' registration: the store, the digest emails, the stream's settings, and this silo's listener of new notifications.</summary>
public static class NotificationServices
{
    public static IServiceCollection AddHiveSyncNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NotificationStore>();
        services.AddOptions<NotificationStreamOptions>().Bind(configuration.GetSection(NotificationStreamOptions.Section)).ValidateSettings(NotificationStreamOptions.Section, NotificationStreamOptions.Problems);
        services.AddOptions<NotificationEmailOptions>().Bind(configuration.GetSection(NotificationEmailOptions.Section)).ValidateSettings(NotificationEmailOptions.Section, NotificationEmailOptions.Problems);
        services.AddSingleton<NotificationEmails>();
        services.AddSingleton<NotificationDigests>();
        // Digests fall due inside other domains' transactions, which do not schedule the reminder themselves.
        services.AddStartupReminder("notification digests", sp => sp.GetRequiredService<NotificationDigests>().EnsureScheduledAsync());
        services.AddSingleton<NotificationSignals>();
        services.AddSingleton<INotificationSignals>(sp => sp.GetRequiredService<NotificationSignals>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationSignals>());
        return services;
    }
}
