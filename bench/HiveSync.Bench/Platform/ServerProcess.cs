using System.Diagnostics;
using System.Globalization;

namespace HiveSync.Bench.Platform;

/// <summary>
/// A server the bench started (a silo or the baseline): its own process, output to a log file in the run's
/// folder (no pipe for the bench to drain while it measures), stopped with SIGTERM and killed if it lingers.
/// </summary>
public sealed class ServerProcess
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private bool _stopped;

    private ServerProcess(string name, Uri baseUrl, Process process, string logPath)
    {
        Name = name;
        BaseUrl = baseUrl;
        _process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public long CpuTicks => ProcessCpu.Ticks(Pid);

    /// <summary>Why the server is no longer running, or null while it runs.</summary>
    public string? ExitedBecause => !_stopped && _process.HasExited
        ? $"{Name} (pid {Pid}) exited with {_process.ExitCode}, not stopped by the bench. End of {LogPath}:\n{LogTail(15)}"
        : null;

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> with extra environment variables.</summary>
    public static ServerProcess Start(string name, Uri baseUrl, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        // exec keeps the pid: the one whose /proc/<pid>/stat is read is the server itself.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var arg in (string[])["-c", "exec \"$@\" >>\"$BENCH_SERVER_LOG\" 2>&1", "sh", "dotnet", dll, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["BENCH_SERVER_LOG"] = logPath;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        return new ServerProcess(name, baseUrl, process, logPath);
    }

    /// <summary>Waits until <paramref name="path"/> answers 200; fails with the log's end if the process exits first.</summary>
    public async Task WaitReadyAsync(HttpClient http, string path, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready. End of {LogPath}:\n{LogTail(40)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, path), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not ready on {path} within {timeout.TotalSeconds:0} s. End of {LogPath}:\n{LogTail(40)}");
            }

            await Task.Delay(250, ct);
        }
    }

    /// <summary>SIGTERM (a graceful stop: the silo leaves its cluster), then a kill after the stop timeout.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await Command.OutputOrNullAsync("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // it had exited already
        }
        finally
        {
            _process.Dispose();
        }
    }

    public string LogTail(int lines) =>
        File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "(no log)";
}
