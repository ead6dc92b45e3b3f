using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HiveSync.Grains.Platform;

/// <summary>A reminder that must exist before anything needs it, made sure of once the silo runs.</summary>
public sealed record StartupReminder(string Name, Func<IServiceProvider, Task> EnsureScheduledAsync);

/// <summary>
/// Registers every <see cref="StartupReminder"/> once the silo runs (grain calls need the silo started). For work that
/// can be stored without the code that stores it calling <c>EnsureScheduledAsync</c> first (a trigger, a cascade) and
/// for periodic sweeps. Every silo does it at start; registering a reminder that exists changes nothing.
/// </summary>
public sealed partial class StartupReminders(IEnumerable<StartupReminder> reminders, IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<StartupReminders> logger) : BackgroundService
{
    private const int Attempts = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        foreach (var reminder in reminders)
        {
            for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    await reminder.EnsureScheduledAsync(services);
                    break;
                }
                catch (Exception error) when (error is not OperationCanceledException && attempt < Attempts)
                {
                    // The database or the cluster may still be settling: try again shortly.
                    LogRetrying(error, reminder.Name, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(5 * attempt), stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    LogGivenUp(error, reminder.Name, attempt);
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Reminder} reminder could not be registered (attempt {Attempt}); trying again")]
    private partial void LogRetrying(Exception error, string reminder, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Reminder} reminder could not be registered after {Attempts} attempts; the next start tries again")]
    private partial void LogGivenUp(Exception error, string reminder, int attempts);
}

public static class StartupReminderServices
{
    /// <summary>Makes sure of <paramref name="name"/>'s reminder once the silo runs (see <see cref="StartupReminders"/>).</summary>
    public static IServiceCollection AddStartupReminder(this IServiceCollection services, string name, Func<IServiceProvider, Task> ensureScheduledAsync)
    {
        services.AddHostedService<StartupReminders>(); // once, however many reminders
        return services.AddSingleton(new StartupReminder(name, ensureScheduledAsync));
    }
}
