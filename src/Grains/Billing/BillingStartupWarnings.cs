using HiveSync.Grains.Interfaces.Billing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Billing;

/// <summary>
/// Logs, once at start-up, the billing settings that work but weaken the server (<see cref="BillingOptions.Warnings"/>):
/// refusing them would break deployments LemonSqueezy itself allows, staying silent would hide them.
/// </summary>
public sealed class BillingStartupWarnings(IOptions<BillingOptions> options, ILogger<BillingStartupWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in BillingOptions.Warnings(options.Value))
        {
            logger.LogWarning("Billing settings: {Warning}", warning);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
