using System.Globalization;
using System.Text;
using HiveSync.Bench.Load;

namespace HiveSync.Bench.Reporting;

/// <summary>The run as Markdown: header, one table of every run, the sign-in timing comparison, notes and traces.</summary>
public sealed class MarkdownReport
{
    private readonly List<ReportRow> _rows = [];
    private readonly List<(string Label, string Profile, string Top)> _traces = [];
    private readonly List<(string Size, List<(string Request, List<StatementPlan> Plans)> Requests)> _plans = [];

    public IReadOnlyList<ReportRow> Rows => _rows;

    public void Add(ReportRow row) => _rows.Add(row);

    public void AddPlans(string size, List<(string Request, List<StatementPlan> Plans)> requests) => _plans.Add((size, requests));

    public void AddTrace(string label, string profile, string top) => _traces.Add((label, profile, top));

    public double? BaselineRequestsPerSecond(int connections) =>
        _rows.FirstOrDefault(r => r.Scenario == "baseline" && r.BaselineConnections == connections)?.RequestsPerSecond;

    public string Render(RunInfo info)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# HiveSync benchmark, {info.StartedUtc:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {info.Machine}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- .NET: {info.DotNet}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Server: {info.Server}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- PostgreSQL: {info.Postgres}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Load: {info.Load}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Data: {info.Data}");
        md.AppendLine();
        md.AppendLine("| Scenario | Conns | Req/s | × baseline | p50 ms | p99 ms | p99.9 ms | Errors | Socket errors | Server CPU µs/req | PostgreSQL CPU µs/req |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var row in _rows.Where(r => r.Scenario is not (ScenarioRunner.PairedBaseline or ScenarioRunner.PairedMe)))
        {
            var baseline = BaselineRequestsPerSecond(row.BaselineConnections);
            var ratio = row.Scenario == "baseline" || baseline is not > 0 ? "" : (row.RequestsPerSecond / baseline.Value).ToString("0.000", CultureInfo.InvariantCulture);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Label}{(row.Note is null ? "" : $" ({row.Note})")} | {row.ConnectionsText} | {row.RequestsPerSecond:0} | {ratio} | {Ms(row.Latency?.P50Us)} | {Ms(row.Latency?.P99Us)} | {Ms(row.Latency?.P999Us)} | {row.Errors} | {row.SocketErrors} | {Us(row.ServerCpuUs)} | {Us(row.PostgresCpuUs)} |");
        }

        AppendPairs(md);
        AppendSignInComparison(md);
        AppendPlans(md);
        AppendNotes(md);
        foreach (var (label, profile, top) in _traces)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"<details><summary>Trace: {label} (dotnet-trace, {profile}, top functions by exclusive samples, idle waits left out)</summary>");
            md.AppendLine();
            md.AppendLine("```");
            md.AppendLine(top);
            md.AppendLine("```");
            md.AppendLine("</details>");
        }

        return md.ToString();
    }

    private void AppendPairs(StringBuilder md)
    {
        var bare = _rows.Where(r => r.Scenario == ScenarioRunner.PairedBaseline).ToList();
        var me = _rows.Where(r => r.Scenario == ScenarioRunner.PairedMe).ToList();
        if (bare.Count == 0 || bare.Count != me.Count)
        {
            return;
        }

        var ratios = bare.Zip(me, (b, m) => m.RequestsPerSecond / b.RequestsPerSecond).ToList();
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## user/me against the bare endpoint, alternating ({ScenarioRunner.StandardConnections} connections)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Each pair measured seconds apart. Median ratio **{Median(ratios):0.000}** (lowest {ratios.Min():0.000}, highest {ratios.Max():0.000}).");
        md.AppendLine();
        md.AppendLine("| Pair | Bare req/s | Bare CPU µs/req | user/me req/s | user/me CPU µs/req | user/me p99 ms | × bare |");
        md.AppendLine("|--:|--:|--:|--:|--:|--:|--:|");
        for (var i = 0; i < bare.Count; i++)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {i + 1} | {bare[i].RequestsPerSecond:0} | {Us(bare[i].ServerCpuUs)} | {me[i].RequestsPerSecond:0} | {Us(me[i].ServerCpuUs)} | {Ms(me[i].Latency?.P99Us)} | {ratios[i]:0.000} |");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private void AppendSignInComparison(StringBuilder md)
    {
        var wrong = _rows.FirstOrDefault(r => r.Scenario == "login" && r.Label.Contains("wrong", StringComparison.Ordinal));
        var unknown = _rows.FirstOrDefault(r => r.Scenario == "login" && r.Label.Contains("unknown", StringComparison.Ordinal));
        if (wrong?.Latency is not { } w || unknown?.Latency is not { } u)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Failed sign-in: wrong password vs unknown email");
        md.AppendLine();
        md.AppendLine("The two must take the same time (the unknown email verifies a decoy hash), or timing tells which accounts exist.");
        md.AppendLine();
        md.AppendLine("| | Req/s | p50 ms | p99 ms | p99.9 ms |");
        md.AppendLine("|---|--:|--:|--:|--:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| wrong password, existing email | {wrong.RequestsPerSecond:0.0} | {Ms(w.P50Us)} | {Ms(w.P99Us)} | {Ms(w.P999Us)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| unknown email | {unknown.RequestsPerSecond:0.0} | {Ms(u.P50Us)} | {Ms(u.P99Us)} | {Ms(u.P999Us)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| difference (unknown − wrong) | {Percent(unknown.RequestsPerSecond, wrong.RequestsPerSecond)} | {Percent(u.P50Us, w.P50Us)} | {Percent(u.P99Us, w.P99Us)} | {Percent(u.P999Us, w.P999Us)} |");
    }

    private void AppendPlans(StringBuilder md)
    {
        foreach (var (size, requests) in _plans)
        {
            var whole = requests.SelectMany(r => r.Plans.SelectMany(p => p.BigScans.Select(scan => $"`{r.Request}`: {scan}"))).Distinct().ToList();
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## Query plans at {size}");
            md.AppendLine();
            md.AppendLine(whole.Count == 0
                ? $"No statement reads a table sequentially past {QueryPlans.BigScanRows} rows."
                : $"**Sequential scans past {QueryPlans.BigScanRows} rows:** {string.Join("; ", whole)}.");
            md.AppendLine();
            md.AppendLine("| Request | Statement | ms | Plan (outer to inner) |");
            md.AppendLine("|---|---|--:|---|");
            foreach (var (request, plans) in requests)
            {
                foreach (var plan in plans)
                {
                    md.AppendLine(CultureInfo.InvariantCulture,
                        $"| `{request}` | `{plan.Statement.Replace("|", "\\|", StringComparison.Ordinal)}` | {plan.Milliseconds:0.00} | {string.Join(" → ", plan.Nodes)} |");
                }
            }
        }
    }

    private static void AppendNotes(StringBuilder md)
    {
        md.AppendLine();
        md.AppendLine("## How to read it");
        md.AppendLine();
        md.AppendLine("- Each run is `wrk -t1 -c<conns> -d<seconds>s --latency` after an unreported 2 s warm-up with the same script. wrk, the servers and PostgreSQL share this machine's cores, so the client's own CPU is part of every figure.");
        md.AppendLine("- × baseline: requests/s over the bare Kestrel `GET /json` at the same connection count in this run (the cluster rows: at one wrk's 32).");
        md.AppendLine("- Errors: responses with a status the scenario did not expect (non-2xx; failed sign-ins expect 401). Socket errors: wrk's connect, read and write errors and time-outs (10 s).");
        md.AppendLine("- Server CPU: user + system time of the server process(es) during the measured run (`/proc/<pid>/stat`) over the requests answered. PostgreSQL CPU: the same for the postmaster and its backends.");
        md.AppendLine("- Cluster: silo 1 is stopped and two fresh silos (A, B) join the same database and cluster, so the users' grains activate on either and about half the calls hop between silos; one wrk per silo, side by side.");
        md.AppendLine("- Rate limits and the sign-in guard are raised far above the load, but their checks still run on every request; PBKDF2 runs at its default iterations.");
    }

    private static string Ms(double? microseconds) => microseconds is double us ? (us / 1000).ToString("0.00", CultureInfo.InvariantCulture) : "";

    private static string Us(double? microseconds) => microseconds is double us ? us.ToString("0", CultureInfo.InvariantCulture) : "";

    private static string Percent(double value, double reference) =>
        reference > 0 ? ((value - reference) / reference * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %" : "";
}
