using System.Runtime.InteropServices;
using HiveSync.Bench;
using HiveSync.Bench.Load;
using HiveSync.Bench.Platform;
using HiveSync.Grains.Platform.Postgres;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException error)
{
    await Console.Error.WriteLineAsync($"{error.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

if (options.BaselineServer)
{
    await BaselineServer.RunAsync(options.Urls ?? "http://127.0.0.1:5090");
    return 0;
}

// Ctrl+C and SIGTERM end the run through its finally blocks, which stop every server it started.
using var stopping = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    if (!await WrkInstall.EnsureAsync(stopping.Token))
    {
        return 2;
    }

    return await BenchRun.RunAsync(options, stopping.Token);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Interrupted: every server the bench started is stopped.");
    return 130;
}
catch (PostgresNotInstalledException error)
{
    await Console.Error.WriteLineAsync(error.Message);
    return 2;
}
catch (Exception error) when (error is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
{
    await Console.Error.WriteLineAsync($"The bench failed: {error.Message}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}
