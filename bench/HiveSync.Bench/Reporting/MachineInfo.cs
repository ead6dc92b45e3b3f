using System.Globalization;
using System.Runtime.InteropServices;
using HiveSync.Bench.Platform;

namespace HiveSync.Bench.Reporting;

/// <summary>The header facts: CPU, memory, .NET and the measured checkout's commit.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var model = ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKb = ReadLines("/proc/meminfo")
            .FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var ram = memKb is null ? "unknown RAM" : $"{long.Parse(memKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0:0.0} GiB RAM";
        return $"{model}, {Environment.ProcessorCount} cores, {ram}, {RuntimeInformation.OSDescription}";
    }

    public static async Task<string> DotNetAsync(CancellationToken ct)
    {
        var sdk = await Command.OutputOrNullAsync("dotnet", ["--version"], ct) ?? "unknown";
        return $"{RuntimeInformation.FrameworkDescription} (SDK {sdk}), server GC";
    }

    /// <summary>The checkout's commit, branch, and whether it has changes not committed.</summary>
    public static async Task<string> CommitAsync(string root, CancellationToken ct)
    {
        var commit = await Command.OutputOrNullAsync("git", ["rev-parse", "--short=12", "HEAD"], ct, root);
        if (commit is null)
        {
            return $"{root} (not a git checkout)";
        }

        var branch = await Command.OutputOrNullAsync("git", ["rev-parse", "--abbrev-ref", "HEAD"], ct, root);
        var status = await Command.OutputOrNullAsync("git", ["status", "--porcelain", "--untracked-files=no"], ct, root);
        var dirty = string.IsNullOrEmpty(status) ? "" : " + uncommitted changes";
        return $"`{commit}` ({branch}){dirty}, {root}";
    }

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
