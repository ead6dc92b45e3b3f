using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Billing;

/// <summary>What the billing grains need from DI (their settings are bound by the API's start-up).</summary>
public static class BillingServices
{
    public static IServiceCollection AddHiveSyncBilling(this IServiceCollection services)
    {
        services.AddSingleton<BillingStore>();
        services.AddSingleton<BillingEventProcessor>();
        services.AddSingleton<LemonSqueezyApi>();
        services.AddHostedService<PlanCatchUp>();
        services.AddHttpClient(LemonSqueezyApi.HttpClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan) // each call has its own Billing:ApiTimeout
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        return services;
    }
}
