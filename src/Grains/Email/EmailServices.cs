using HiveSync.Grains.Interfaces.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Email;

/// <summary>Email's registration: its settings (validated at start-up), the outbox, and SMTP or the pickup folder.</summary>
public static class EmailServices
{
    public static IServiceCollection AddHiveSyncEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section)).ValidateSettings(EmailOptions.Section, EmailOptions.Problems);
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<EmailDelivery>();
        services.AddSingleton(sp => new EmailPickupDirectory(sp.GetRequiredService<IOptions<EmailOptions>>().Value.PickupDirectory ?? EmailPickupDirectory.Default()));
        // Chosen once at start-up: switching between a relay and the folder is a restart.
        services.AddSingleton<IEmailTransport>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.SmtpConfigured
            ? new SmtpEmailTransport(sp.GetRequiredService<IOptionsMonitor<EmailOptions>>())
            : new PickupDirectoryTransport(sp.GetRequiredService<EmailPickupDirectory>(), sp.GetRequiredService<ILogger<PickupDirectoryTransport>>()));
        return services;
    }
}
