using HiveSync.Bench.Platform;
using HiveSync.Bench.Reporting;
using HiveSync.Bench.Seeding;
using HiveSync.Bench.Servers;

namespace HiveSync.Bench.Load;

/// <summary>
/// The scenarios, in the order they run. Each measured run follows an unreported warm-up with the same script;
/// the server CPU of the measured run is read around it.
/// </summary>
public sealed partial class ScenarioRunner(BenchOptions options, Wrk wrk, BenchServers servers, DataFiles data, MarkdownReport report, CpuTrace? trace)
{
    public const int StandardConnections = 32;
    // PBKDF2 saturates both cores at a few concurrent sign-ins, and queueing would drown the comparison of the two
    // paths: two connections, for three times as long, give enough samples of the hash time itself.
    public const int SignInConnections = 2;
    private const int SignInSecondsFactor = 3;
    private const int WarmUpSeconds = 2;

    // A fresh silo's code is not yet fully compiled: under load on two cores the JIT's tier-up (with PGO) takes
    // 30-40 s, during which user/me climbs from ~2k to its steady rate, slowly enough that two short readings can
    // agree inside the climb. A run inside it is what made consecutive readings differ by 2x; so each silo gets at
    // least 40 s of load, then more until two 2-s readings agree within 5 %.
    private const double SteadyWithin = 0.05;
    private const int MinWarmUpRounds = 20;
    private const int MaxWarmUpRounds = 45;
    private const int FewRequests = 1000;

    /// <summary>Alternating bare/user-me pairs of the <c>pairs</c> scenario.</summary>
    public const int Pairs = 5;

    /// <summary>The report's scenario names of the two halves of a pair.</summary>
    public const string PairedBaseline = "pairs-baseline", PairedMe = "pairs-me";

    /// <summary>Scenarios that run at <see cref="StandardConnections"/> only.</summary>
    private static readonly string[] StandardScenarios = ["grains", "live", "profile", "refresh", "exchange", "webhook", "cluster"];

    /// <summary>Connection counts the baseline must be measured at for every selected scenario's ratio.</summary>
    public IReadOnlyList<int> BaselineConnections()
    {
        var counts = new SortedSet<int>();
        if (options.Runs("baseline") || options.Runs("me"))
        {
            counts.UnionWith(options.Connections);
        }

        if (StandardScenarios.Any(options.Runs))
        {
            counts.Add(StandardConnections);
        }

        if (options.Runs("login"))
        {
            counts.Add(SignInConnections);
        }

        return [.. counts];
    }

    public async Task BaselineAsync(ServerProcess baseline, CancellationToken ct)
    {
        // Warmed like a silo (tier-up): measured cold, the bare endpoint read below /grains/1, which does more work
        // in the same process, and every ratio to it came out too high.
        await RunAllAsync([Run("plain", baseline, "/json", StandardConnections) with { Seconds = MinWarmUpRounds * WarmUpSeconds }], [baseline], ct);
        foreach (var connections in BaselineConnections())
        {
            await MeasureAsync("baseline", "baseline GET /json (bare Kestrel)", [Run("plain", baseline, "/json", connections)], [baseline], ct, measureDatabase: false);
        }

        if (options.Runs("grains"))
        {
            // Warm like a silo (tier-up), then one and two in-memory grain calls behind a bare route.
            await RunAllAsync([Run("plain", baseline, "/grains/1", StandardConnections) with { Seconds = MinWarmUpRounds * WarmUpSeconds }], [baseline], ct);
            foreach (var calls in new[] { 1, 2 })
            {
                await MeasureAsync("grains", $"baseline GET /grains/{calls} (bare Kestrel + {calls} in-memory grain call{(calls > 1 ? "s" : "")})", [Run("plain", baseline, $"/grains/{calls}", StandardConnections)], [baseline], ct, measureDatabase: false);
            }
        }
    }

    public async Task SiloAsync(ServerProcess silo, CancellationToken ct)
    {
        await WarmUntilSteadyAsync([silo], ct);
        if (options.Runs("live"))
        {
            await MeasureAsync("live", "GET /health/live, anonymous", [Run("plain", silo, "/health/live", StandardConnections)], [silo], ct);
        }

        if (options.Runs("me"))
        {
            foreach (var connections in options.Connections)
            {
                await MeasureAsync("me", "GET /api/v1/user/me", [Run("bearer_get", silo, "/", connections, "/api/v1/user/me", data.AccessTokens)], [silo], ct);
            }
        }

        if (options.Runs("profile"))
        {
            await MeasureAsync("profile", "GET /api/v1/profile", [Run("bearer_get", silo, "/", StandardConnections, "/api/v1/profile", data.AccessTokens)], [silo], ct);
            await MeasureAsync("profile", "PATCH /api/v1/profile (display_name)", [Run("profile_patch", silo, "/", StandardConnections, data.AccessTokens)], [silo], ct);
        }

        if (options.Runs("refresh"))
        {
            var pool = File.ReadLines(data.RefreshTokens).Count();
            await MeasureAsync("refresh", "POST /api/v1/auth/refresh (rotation)", [Run("refresh", silo, "/", StandardConnections, data.RefreshTokens)], [silo], ct, countsStatuses: true,
                note: () => $"token pool {pool} → {File.ReadLines(data.RefreshTokens).Count()}: each run loses those in flight when it stops");
        }

        if (options.Runs("login"))
        {
            await MeasureAsync("login", "POST /api/v1/auth/login, wrong password", [SignInRun(silo, data.Emails)], [silo], ct, countsStatuses: true);
            await MeasureAsync("login", "POST /api/v1/auth/login, unknown email", [SignInRun(silo, data.UnknownEmails)], [silo], ct, countsStatuses: true);
        }

        if (options.Runs("exchange"))
        {
            await MeasureAsync("exchange", "POST session-token / session-exchange, alternating", [Run("exchange", silo, "/", StandardConnections, data.AccessTokens)], [silo], ct, countsStatuses: true);
        }

        if (options.Runs("webhook"))
        {
            await MeasureAsync("webhook", "POST /api/v1/billing/webhook, signed events", [Run("webhook", silo, "/", StandardConnections, data.Webhooks, data.WebhookPosition)], [silo], ct, note: WebhookNote);
        }
    }

    /// <summary>
    /// The bare endpoint and user/me, alternating, <see cref="Pairs"/> times: this machine's speed drifts by a third
    /// within minutes (other tenants), so the ratio of two readings taken seconds apart is the one to trust.
    /// The report pairs the readings by their order of kind, so each pair is the two adjacent readings.
    /// </summary>
    public async Task PairsAsync(ServerProcess baseline, ServerProcess silo, CancellationToken ct)
    {
        for (var pair = 1; pair <= Pairs; pair++)
        {
            Task Bare() => MeasureAsync(PairedBaseline, $"pair {pair}: baseline GET /json (bare Kestrel)", [Run("plain", baseline, "/json", StandardConnections)], [baseline], ct, measureDatabase: false);
            Task Me() => MeasureAsync(PairedMe, $"pair {pair}: GET /api/v1/user/me", [Run("bearer_get", silo, "/", StandardConnections, "/api/v1/user/me", data.AccessTokens)], [silo], ct);

            // Every other pair the other way round, so a steady drift of the machine's speed favours neither side.
            if (pair % 2 == 1)
            {
                await Bare();
                await Me();
            }
            else
            {
                await Me();
                await Bare();
            }
        }
    }

    /// <summary>user/me through both silos at once, one wrk each; the sum is the cluster's throughput. Only the first silo is traced.</summary>
    public async Task ClusterAsync(IReadOnlyList<ServerProcess> silos, CancellationToken ct)
    {
        await WarmUntilSteadyAsync(silos, ct);
        var runs = silos.Select(s => Run("bearer_get", s, "/", StandardConnections, "/api/v1/user/me", data.AccessTokens)).ToList();
        await MeasureAsync("cluster", "GET /api/v1/user/me", runs, silos, ct, perRunLabel: i => $"via {silos[i].Name}");
    }

    private string? WebhookNote()
    {
        var sent = File.Exists(data.WebhookPosition) && long.TryParse(File.ReadAllText(data.WebhookPosition).Trim(), out var n) ? n : 0;
        var total = File.ReadLines(data.Webhooks).LongCount();
        return sent > total ? $"{total} distinct events, then redeliveries" : null;
    }

    /// <summary>Signed-in reads (user/me, profile) through every silo at once until the rate stops climbing.</summary>
    private async Task WarmUntilSteadyAsync(IReadOnlyList<ServerProcess> silos, CancellationToken ct)
    {
        var runs = silos.SelectMany(s => new[]
        {
            Run("bearer_get", s, "/", StandardConnections / 2, "/api/v1/user/me", data.AccessTokens) with { Seconds = WarmUpSeconds },
            Run("bearer_get", s, "/", StandardConnections / 2, "/api/v1/profile", data.AccessTokens) with { Seconds = WarmUpSeconds },
        }).ToList();
        double? previous = null;
        for (var round = 1; round <= MaxWarmUpRounds; round++)
        {
            var rate = (await RunAllAsync(runs, silos, ct)).Sum(r => r.RequestsPerSecond);
            if (round >= MinWarmUpRounds && previous is double p && Math.Abs(rate - p) <= SteadyWithin * p)
            {
                Console.WriteLine($"  warm after {round * WarmUpSeconds} s ({rate:0} req/s)");
                return;
            }

            previous = rate;
        }

        Console.WriteLine($"  still not steady after {MaxWarmUpRounds * WarmUpSeconds} s of warm-up; measuring anyway");
    }

    private WrkRun SignInRun(ServerProcess silo, string emails) =>
        Run("login_failed", silo, "/", SignInConnections, emails) with { Seconds = options.Seconds * SignInSecondsFactor };

    private WrkRun Run(string script, ServerProcess server, string path, int connections, params string[] scriptArgs) =>
        new(script, new Uri(server.BaseUrl, path), connections, options.Seconds, scriptArgs);

    private async Task MeasureAsync(
        string scenario,
        string label,
        List<WrkRun> runs,
        IReadOnlyList<ServerProcess> measured,
        CancellationToken ct,
        bool measureDatabase = true,
        bool countsStatuses = false,
        Func<string?>? note = null,
        Func<int, string>? perRunLabel = null)
    {
        var connectionsText = runs.Count == 1 ? $"{runs[0].Connections}" : $"{runs.Count}×{runs[0].Connections}";
        Console.WriteLine($"- {label}, {connectionsText} connection(s)");
        await RunAllAsync(runs.Select(r => r with { Seconds = WarmUpSeconds }), measured, ct);

        Task<string>? traced = null;
        if (trace is not null && scenario != "baseline")
        {
            traced = trace.CollectAsync(measured[0].Pid, options.Seconds + (int)CpuTrace.AttachTime.TotalSeconds, ct);
            await Task.Delay(CpuTrace.AttachTime, ct);
        }

        var serverBefore = measured.Sum(s => s.CpuTicks);
        var postgresBefore = servers.PostgresCpuTicks;
        var results = await RunAllAsync(runs, measured, ct);
        var serverTicks = measured.Sum(s => s.CpuTicks) - serverBefore;
        var postgresTicks = measureDatabase ? servers.PostgresCpuTicks - postgresBefore : (long?)null;

        var requests = results.Sum(r => r.Requests);
        double? PerRequest(long? ticks) => requests > 0 && ticks is long t ? ProcessCpu.Microseconds(t) / requests : null;
        long Errors(WrkResult r) => countsStatuses ? r.Unexpected : r.StatusErrors;
        var baselineConnections = runs[0].Connections;
        if (runs.Count == 1)
        {
            var result = results[0];
            var few = result.Requests < FewRequests ? $"only {result.Requests} requests: coarse percentiles" : null;
            var notes = string.Join("; ", new[] { note?.Invoke(), few }.OfType<string>());
            report.Add(new ReportRow(scenario, label, connectionsText, baselineConnections, result.RequestsPerSecond, result, Errors(result), result.SocketErrors,
                PerRequest(serverTicks), PerRequest(postgresTicks), notes.Length == 0 ? null : notes));
        }
        else
        {
            // One line per wrk without CPU (a request through one silo also costs the other), then their sum with it.
            for (var i = 0; i < results.Length; i++)
            {
                report.Add(new ReportRow(scenario, $"{label} {perRunLabel?.Invoke(i)}", $"{runs[i].Connections}", baselineConnections, results[i].RequestsPerSecond, results[i],
                    Errors(results[i]), results[i].SocketErrors, null, null));
            }

            report.Add(new ReportRow(scenario, $"{label}, {runs.Count} silos together", connectionsText, baselineConnections, results.Sum(r => r.RequestsPerSecond), null,
                results.Sum(Errors), results.Sum(r => r.SocketErrors), PerRequest(serverTicks), PerRequest(postgresTicks)));
        }

        var last = report.Rows[^1];
        Console.WriteLine($"  {last.RequestsPerSecond:0} req/s, p50 {results[0].P50Us / 1000:0.00} ms, p99 {results[0].P99Us / 1000:0.00} ms, errors {last.Errors}/{last.SocketErrors}, server CPU {last.ServerCpuUs:0} µs/req");
        if (traced is not null)
        {
            report.AddTrace($"{label}, {connectionsText} connections", trace!.Profile, await traced);
        }
    }

    /// <summary>The wrk runs side by side; a server that died under them is named as the cause, not wrk's refused connection.</summary>
    private async Task<WrkResult[]> RunAllAsync(IEnumerable<WrkRun> runs, IReadOnlyList<ServerProcess> measured, CancellationToken ct)
    {
        try
        {
            return await Task.WhenAll(runs.Select(r => wrk.RunAsync(r, ct)));
        }
        catch (InvalidOperationException) when (measured.Select(s => s.ExitedBecause).OfType<string>().FirstOrDefault() is { } exited)
        {
            throw new InvalidOperationException(exited);
        }
    }
}
