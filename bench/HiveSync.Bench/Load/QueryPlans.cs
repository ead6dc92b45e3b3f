using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace HiveSync.Bench.Load;

/// <summary>
/// One statement a request ran, with the plan PostgreSQL chose for it (auto_explain, with ANALYZE) and the
/// sequential scans in it that read at least <see cref="QueryPlans.BigScanRows"/> rows: a table read whole that
/// grows with the data. (Small tables are read whole by design: an index would cost more.)
/// </summary>
public sealed record StatementPlan(string Statement, double Milliseconds, IReadOnlyList<string> Nodes, IReadOnlyList<string> BigScans);

/// <summary>
/// The plans of the statements the server runs for one request, read from PostgreSQL's log: every session of the
/// bench's database loads auto_explain (off), and <see cref="CaptureAsync"/> turns it on for all of them while it
/// sends the requests, one at a time.
/// </summary>
public sealed class QueryPlans(string connectionString, string serverLog)
{
    public const int BigScanRows = 5000;
    private const string LinePrefix = "@@LOG@@ ";

    /// <summary>Before the silos connect: sessions of <paramref name="database"/> load auto_explain, and log lines get a prefix to split on.</summary>
    public static async Task PrepareAsync(string connectionString, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync($"ALTER DATABASE \"{database}\" SET session_preload_libraries = 'auto_explain'");
        await connection.ExecuteAsync($"ALTER SYSTEM SET log_line_prefix = '{LinePrefix}'");
        await connection.ExecuteAsync("SELECT pg_reload_conf()");
    }

    /// <summary>Sends each request alone and answers, per request, the plans of the statements it ran on the growing tables.</summary>
    public async Task<List<(string Request, List<StatementPlan> Plans)>> CaptureAsync(IReadOnlyList<(string Label, Func<Task> Send)> requests, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        // A pooled session may predate the database's preload setting, and ALTER SYSTEM refuses settings it does not know.
        await connection.ExecuteAsync("LOAD 'auto_explain'");
        await SetAsync(connection, on: true, ct);
        var captured = new List<(string, List<StatementPlan>)>();
        try
        {
            foreach (var (label, send) in requests)
            {
                var from = new FileInfo(serverLog).Length;
                await send();
                await Task.Delay(100, ct); // the backend writes its log line when the statement ends, before the answer; the file may lag a little
                captured.Add((label, Parse(await ReadFromAsync(from, ct))));
            }
        }
        finally
        {
            await SetAsync(connection, on: false, CancellationToken.None);
        }

        return captured;
    }

    private static async Task SetAsync(NpgsqlConnection connection, bool on, CancellationToken ct)
    {
        string[] settings = on
            ? ["ALTER SYSTEM SET auto_explain.log_min_duration = 0", "ALTER SYSTEM SET auto_explain.log_analyze = on", "ALTER SYSTEM SET auto_explain.log_format = 'json'"]
            : ["ALTER SYSTEM RESET auto_explain.log_min_duration", "ALTER SYSTEM RESET auto_explain.log_analyze", "ALTER SYSTEM RESET auto_explain.log_format"];
        foreach (var sql in settings)
        {
            await connection.ExecuteAsync(sql);
        }

        await connection.ExecuteAsync("SELECT pg_reload_conf()");
        await Task.Delay(300, ct); // each backend applies the reload before its next statement
    }

    private async Task<string> ReadFromAsync(long offset, CancellationToken ct)
    {
        await using var stream = new FileStream(serverLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    private static List<StatementPlan> Parse(string log)
    {
        var plans = new List<StatementPlan>();
        foreach (var entry in log.Split(LinePrefix, StringSplitOptions.RemoveEmptyEntries))
        {
            var at = entry.IndexOf("plan:", StringComparison.Ordinal);
            var json = at < 0 ? -1 : entry.IndexOf('{', at);
            if (json < 0)
            {
                continue;
            }

            var explained = JsonNode.Parse(entry[json..]);
            var text = explained?["Query Text"]?.GetValue<string>() ?? "";
            var plan = explained?["Plan"];
            if (plan is null || !GrowingTablesRead(text))
            {
                continue;
            }

            var nodes = new List<string>();
            var bigScans = new List<string>();
            Walk(plan, nodes, bigScans);
            plans.Add(new StatementPlan(FirstLine(text), plan["Actual Total Time"]?.GetValue<double>() ?? 0, nodes, bigScans));
        }

        return plans;
    }

    private static bool GrowingTablesRead(string text) =>
        text.Contains(" tasks", StringComparison.Ordinal) || text.Contains(" comments", StringComparison.Ordinal) || text.Contains(" projects", StringComparison.Ordinal)
        || text.Contains(" task_", StringComparison.Ordinal) || text.Contains(" project_", StringComparison.Ordinal) || text.Contains(" notifications", StringComparison.Ordinal);

    private static void Walk(JsonNode node, List<string> nodes, List<string> bigScans)
    {
        var type = node["Node Type"]?.GetValue<string>() ?? "?";
        var relation = node["Relation Name"]?.GetValue<string>();
        var index = node["Index Name"]?.GetValue<string>();
        var text = type + (relation is null ? "" : $" on {relation}") + (index is null ? "" : $" using {index}");
        if (type is not ("Result" or "Limit" or "Materialize" or "Memoize"))
        {
            nodes.Add(text);
        }

        if (type == "Seq Scan")
        {
            var loops = node["Actual Loops"]?.GetValue<double>() ?? 1;
            var read = ((node["Actual Rows"]?.GetValue<double>() ?? 0) + (node["Rows Removed by Filter"]?.GetValue<double>() ?? 0)) * loops;
            if (read >= BigScanRows)
            {
                bigScans.Add($"{text} ({read:0} rows)");
            }
        }

        foreach (var child in node["Plans"]?.AsArray() ?? [])
        {
            Walk(child!, nodes, bigScans);
        }
    }

    private static string FirstLine(string sql)
    {
        var words = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return words.Length <= 90 ? words : words[..90] + "…";
    }
}
