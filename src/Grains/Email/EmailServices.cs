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
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
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

/// <summary>Start-up validation of <c>Email</c>, naming every wrong setting.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var problems = EmailOptions.Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
