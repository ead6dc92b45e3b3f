using System.Globalization;
using HiveSync.Bench.Platform;

namespace HiveSync.Bench.Load;

/// <summary>
/// <c>--trace</c>: samples a silo with dotnet-trace while a measured run lasts, then lists its top functions
/// (<c>dotnet-trace report &lt;file&gt; topN --inclusive</c>). Uses the kernel's CPU samples (<c>collect-linux</c>,
/// <c>cpu-sampling</c>) when running as root, which count only work; otherwise the thread-time sampler of
/// <c>collect</c>, which counts waiting threads too (those frames are dropped from the list).
/// </summary>
public sealed class CpuTrace(string fileName, IReadOnlyList<string> prefixArgs, string profile, bool kernelSampling, string traceDirectory)
{
    private const int TopFunctions = 60;

    /// <summary>
    /// Frames where idle threads sit (thread-pool and timer waits, blocking reads of the config file watcher): the
    /// thread-time sampler counts them like work, so they are dropped from the list.
    /// </summary>
    private static readonly string[] WaitingFrames =
    [
        "WaitHandle.Wait", "LowLevelLifoSemaphore", "Monitor.Wait", "Monitor.Enter_Slowpath", "Interop+Sys.Read(", "WorkerThreadStart",
        "PollGC", "Missing Symbol", "Thread.Sleep", "WaitNative", "WaitForSignal", "LowLevelSpinWaiter",
    ];

    /// <summary>Time the tool needs to attach before the run it samples starts.</summary>
    public static readonly TimeSpan AttachTime = TimeSpan.FromSeconds(1);

    private int _count;

    public string Profile => profile;

    /// <summary>dotnet-trace on PATH, as a global tool, or as a local tool; null when none answers.</summary>
    public static async Task<CpuTrace?> FindAsync(string traceDirectory, CancellationToken ct)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var candidates = new List<(string File, string[] Prefix)>();
        if (Command.FindOnPath("dotnet-trace") is { } onPath)
        {
            candidates.Add((onPath, []));
        }

        candidates.Add((Path.Combine(home, ".dotnet", "tools", "dotnet-trace"), []));
        candidates.Add(("dotnet", ["tool", "run", "dotnet-trace", "--"]));
        foreach (var (file, prefix) in candidates)
        {
            if (await Command.OutputOrNullAsync(file, [.. prefix, "list-profiles"], ct) is { } profiles)
            {
                var kernelSampling = Environment.UserName == "root" && profiles.Contains("cpu-sampling (collect-linux)", StringComparison.Ordinal);
                return new CpuTrace(file, prefix, kernelSampling ? "cpu-sampling" : ChooseProfile(profiles), kernelSampling, traceDirectory);
            }
        }

        return null;
    }

    /// <summary>Starts sampling <paramref name="pid"/> for <paramref name="seconds"/>; the task ends with the top functions (or why there are none).</summary>
    public Task<string> CollectAsync(int pid, int seconds, CancellationToken ct)
    {
        Directory.CreateDirectory(traceDirectory);
        var file = Path.Combine(traceDirectory, $"trace{Interlocked.Increment(ref _count)}.nettrace");
        var duration = TimeSpan.FromSeconds(seconds);
        return RunAsync(pid, file, $"00:{duration.Hours:00}:{duration.Minutes:00}:{duration.Seconds:00}", ct);
    }

    private async Task<string> RunAsync(int pid, string file, string duration, CancellationToken ct)
    {
        var verb = kernelSampling ? "collect-linux" : "collect";
        var collect = await Command.RunAsync(fileName, [.. prefixArgs, verb, "-p", pid.ToString(CultureInfo.InvariantCulture), "--profile", profile, "--duration", duration, "-o", file], ct);
        if (!collect.Succeeded || !File.Exists(file))
        {
            return $"dotnet-trace {verb} failed ({collect.ExitCode}): {collect.Errors.Trim()} {collect.Output.Trim()}";
        }

        // Ask for more than shown: the waiting frames that are dropped come first.
        var report = await Command.RunAsync(fileName, [.. prefixArgs, "report", file, "topN", "-n", (TopFunctions * 4).ToString(CultureInfo.InvariantCulture), "--inclusive"], ct);
        return report.Succeeded ? WithoutWaiting(report.Output) : $"dotnet-trace report failed ({report.ExitCode}): {report.Errors.Trim()}";
    }

    private static string WithoutWaiting(string topN)
    {
        var lines = topN.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        var header = lines.Take(1);
        var working = lines.Skip(1).Where(l => !WaitingFrames.Any(w => l.Contains(w, StringComparison.Ordinal))).Take(TopFunctions);
        return string.Join('\n', header.Concat(working));
    }

    private static string ChooseProfile(string listing)
    {
        var lines = listing.Split('\n').Select(l => l.Trim()).ToList();
        bool Offered(string name) => lines.Any(l => l.StartsWith(name + " ", StringComparison.Ordinal) && !l.Contains("(collect-linux)", StringComparison.Ordinal));
        return Offered("cpu-sampling") ? "cpu-sampling" : Offered("dotnet-sampled-thread-time") ? "dotnet-sampled-thread-time" : "cpu-sampling";
    }
}
