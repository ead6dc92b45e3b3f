using HiveSync.Grains.Interfaces.Billing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Billing;

/// <summary>Billing's registration: its settings (bound and validated here), store, LemonSqueezy client and start-up work.</summary>
public static class BillingServices
{
    public static IServiceCollection AddHiveSyncBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section))
            .PostConfigure(o => o.WebhookSecret = configuration[BillingOptions.WebhookSecretVariable] is { Length: > 0 } secret ? secret : null)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddHostedService<BillingStartupWarnings>();
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

/// <summary>Start-up validation of <c>Billing</c>, naming every wrong setting.</summary>
public sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var problems = BillingOptions.Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
