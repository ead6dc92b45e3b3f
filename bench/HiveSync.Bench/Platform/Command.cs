using System.Diagnostics;

namespace HiveSync.Bench.Platform;

/// <summary>A finished command: its exit code and what it printed.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Errors)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs short-lived tools (git, dotnet build, wrk, dotnet-trace) and captures their output.</summary>
public static class Command
{
    public static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> args, CancellationToken ct, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        using var killOnCancel = ct.Register(() => TryKill(process));
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(CancellationToken.None);
        ct.ThrowIfCancellationRequested();
        return new CommandResult(process.ExitCode, await output, await errors);
    }

    /// <summary>The command's trimmed output, or null when it is missing or fails.</summary>
    public static async Task<string?> OutputOrNullAsync(string fileName, IEnumerable<string> args, CancellationToken ct, string? workingDirectory = null)
    {
        try
        {
            var result = await RunAsync(fileName, args, ct, workingDirectory);
            return result.Succeeded ? result.Output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The first <paramref name="name"/> on PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }
}
