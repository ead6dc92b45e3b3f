using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Notifications;

public static class NotificationServices
{
    public static IServiceCollection AddHiveSyncNotifications(this IServiceCollection services) => services.AddSingleton<NotificationStore>();
}
