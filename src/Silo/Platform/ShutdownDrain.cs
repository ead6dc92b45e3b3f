using Microsoft.Extensions.Options;

namespace HiveSync.Silo.Platform;

/// <summary>
/// The first step of a graceful stop (SIGTERM): <c>/health/ready</c> answers 503 from the moment the stop begins,
/// and for <c>Shutdown:DrainDelay</c> the silo keeps serving as before, so a load balancer that checks readiness
/// moves new requests elsewhere before Kestrel closes its listener. Then the host stops Kestrel (in-flight requests
/// finish) and only after it the Orleans silo, which leaves the cluster and hands its grains over.
/// </summary>
public sealed partial class ShutdownDrain(IOptions<ShutdownOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.DrainDelay;
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        LogDraining(logger, delay);
        return Task.Delay(delay, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: /health/ready answers 503; serving on for {Delay} before closing the HTTP listener.")]
    private static partial void LogDraining(ILogger logger, TimeSpan delay);
}

/// <summary>Section <c>Shutdown</c>.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>At most this, so that the drain, Kestrel's and Orleans' stops fit in the host's 30 s.</summary>
    public static readonly TimeSpan MaxDrainDelay = TimeSpan.FromSeconds(20);

    /// <summary>How long a stopping silo keeps serving while its readiness answers 503 (0 by default).</summary>
    public TimeSpan DrainDelay { get; set; }
}
