using System.Globalization;
using System.Reflection;
using HiveSync.Bench.Platform;

namespace HiveSync.Bench.Load;

/// <summary>One wrk invocation: a scenario script (from Load/Scripts), the server, connections, seconds and the script's arguments.</summary>
public sealed record WrkRun(string Script, Uri Url, int Connections, int Seconds, IReadOnlyList<string> ScriptArgs);

/// <summary>
/// What one wrk run measured (its script's <c>done()</c> line). <see cref="Unexpected"/> is counted by scripts that
/// read responses; the others rely on wrk's own count of 4xx/5xx (<see cref="StatusErrors"/>).
/// </summary>
public sealed record WrkResult(
    long Requests, double DurationSeconds, double P50Us, double P99Us, double P999Us, double MeanUs, double MaxUs,
    long ConnectErrors, long ReadErrors, long WriteErrors, long StatusErrors, long Timeouts, long Unexpected)
{
    public double RequestsPerSecond => DurationSeconds > 0 ? Requests / DurationSeconds : 0;

    public long SocketErrors => ConnectErrors + ReadErrors + WriteErrors + Timeouts;
}

/// <summary>Runs wrk (one thread: the bench's Lua queues are per thread) with a script assembled into the run's folder.</summary>
public sealed class Wrk(string scriptDirectory)
{
    public const string Executable = "/usr/bin/wrk";
    private const string ResultPrefix = "BENCH-RESULT ";

    public async Task<WrkResult> RunAsync(WrkRun run, CancellationToken ct)
    {
        string[] args =
        [
            "-t1", $"-c{run.Connections}", $"-d{run.Seconds}s", "--latency", "--timeout", "10s",
            "-s", ScriptPath(run.Script), run.Url.ToString(), "--", .. run.ScriptArgs,
        ];
        var result = await Command.RunAsync(Executable, args, ct);
        var line = result.Output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (!result.Succeeded || line is null)
        {
            throw new InvalidOperationException($"wrk {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Output}\n{result.Errors}");
        }

        var values = line[ResultPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('='))
            .ToDictionary(pair => pair[0], pair => double.Parse(pair[1], CultureInfo.InvariantCulture));
        long Count(string key) => (long)values[key];
        return new WrkResult(
            Count("requests"), values["duration_us"] / 1_000_000, values["p50_us"], values["p99_us"], values["p999_us"], values["mean_us"], values["max_us"],
            Count("connect"), Count("read"), Count("write"), Count("status"), Count("timeout"), Count("unexpected"));
    }

    /// <summary>The scenario's script with the shared part (result line, data-file reading) in front, written once.</summary>
    private string ScriptPath(string script)
    {
        var path = Path.Combine(scriptDirectory, $"{script}.lua");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(scriptDirectory);
            File.WriteAllText(path, Embedded("common") + "\n" + Embedded(script));
        }

        return path;
    }

    private static string Embedded(string script)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"HiveSync.Bench.Scripts.{script}.lua")
            ?? throw new InvalidOperationException($"no script {script}.lua");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
