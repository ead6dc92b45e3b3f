using System.Globalization;
using HiveSync.Bench.Load;
using HiveSync.Bench.Platform;
using HiveSync.Bench.Reporting;
using HiveSync.Bench.Seeding;
using HiveSync.Bench.Servers;

namespace HiveSync.Bench;

/// <summary>
/// One whole run: build the silo of the server root, start PostgreSQL, the baseline and a silo, seed users,
/// run the scenarios, add a second silo for the cluster run, and write the report. Servers stop in any case.
/// </summary>
public static class BenchRun
{
    private const int WebhookEvents = 20_000;
    private static readonly string[] UserScenarios = ["me", "pairs", "profile", "refresh", "login", "exchange", "webhook", "collab", "cluster"];

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var benchRoot = RepositoryRoot();
        var serverRoot = options.ServerRoot ?? benchRoot;
        var siloProject = Path.Combine(serverRoot, "src", "Silo", "HiveSync.Silo.csproj");
        if (!File.Exists(siloProject))
        {
            await Console.Error.WriteLineAsync($"No {siloProject}: --server-root must be a HiveSync checkout.");
            return 2;
        }

        await ProcessCpu.InitialiseAsync(ct);
        Console.WriteLine($"Building {siloProject} (Release)");
        var build = await Command.RunAsync("dotnet", ["build", "-c", "Release", siloProject, "-m:1", "-nologo", "-v:q"], ct, serverRoot);
        if (!build.Succeeded)
        {
            await Console.Error.WriteLineAsync($"Building the silo failed:\n{build.Output}\n{build.Errors}");
            return 1;
        }

        var started = DateTime.UtcNow;
        var runId = started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        // Not Directory.CreateTempSubdirectory: its mode 700 would keep the 'postgres' user (when run as root) out.
        var runDirectory = Path.Combine(Path.GetTempPath(), $"hivesync-bench-{runId}");
        Directory.CreateDirectory(runDirectory);
        Console.WriteLine($"Run folder (data files, server logs): {runDirectory}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var report = new MarkdownReport();
        var trace = options.Trace ? await CpuTrace.FindAsync(Path.Combine(runDirectory, "traces"), ct) : null;
        if (options.Trace && trace is null)
        {
            Console.WriteLine("--trace: no dotnet-trace found (install it with `dotnet tool install -g dotnet-trace`); running without traces.");
        }

        var data = new DataFiles(Path.Combine(runDirectory, "data"));
        var siloDll = Path.Combine(serverRoot, "src", "Silo", "bin", "Release", "net10.0", "HiveSync.Silo.dll");
        var dataText = "none (baseline only)";
        var postgresText = "";
        var succeeded = false;
        try
        {
            await using (var servers = new BenchServers(runDirectory, runId, siloDll, options.ExtraSiloSettings, http))
            {
                var runner = new ScenarioRunner(options, new Wrk(Path.Combine(runDirectory, "scripts")), servers, data, report, trace);
                Console.WriteLine("Starting PostgreSQL and the baseline server");
                await servers.StartPostgresAsync(ct);
                postgresText = $"{servers.PostgresVersion}, private to this run, durable (the embedded default's settings)";
                var baseline = await servers.StartBaselineAsync(ct);
                await runner.BaselineAsync(baseline, ct);

                if (options.Selected.Any(s => s != "baseline"))
                {
                    Console.WriteLine("Starting silo 1");
                    var silo = await servers.StartSiloAsync("silo 1", ct);
                    IReadOnlyList<BenchUser> users = [];
                    if (UserScenarios.Any(options.Runs))
                    {
                        (users, dataText) = await SeedAsync(options, http, silo, servers.Settings!, data, ct);
                    }

                    await runner.SiloAsync(silo, ct);
                    if (options.Runs("pairs"))
                    {
                        await runner.PairsAsync(baseline, silo, ct);
                    }

                    if (options.Runs("collab"))
                    {
                        Console.WriteLine("Collaboration: the project's team, labels and the members' own projects, through the API");
                        var team = await CollabTeamSeeding.CreateAsync(http, silo.BaseUrl, servers.Settings!.ConnectionString, users, ct);
                        dataText += $"; collaboration: one project of {team.Members.Count} Premium members and {team.LabelIds.Count} labels, grown in the database to each size of `--tasks` "
                            + $"with {CollabBulkLoad.CommentsPerTask} comments a task; each member also owns {team.ProjectsPerMember - 1} projects";
                        await runner.CollabAsync(silo, team, new QueryPlans(servers.Settings!.ConnectionString, servers.ServerLog!), http, ct);
                    }
                    if (options.Runs("cluster"))
                    {
                        // Two fresh silos rather than one more beside silo 1, whose grains would all stay where they are:
                        // the users' grains then activate on either silo, as in a cluster that has run a while, and
                        // about half the calls hop to the other silo.
                        Console.WriteLine("Cluster: stopping silo 1, starting silos A and B on the same database and cluster");
                        await servers.StopSiloAsync(silo);
                        await servers.StartSiloAsync("silo A", ct);
                        await servers.StartSiloAsync("silo B", ct);
                        await runner.ClusterAsync(servers.Silos, ct);
                    }
                }

                Console.WriteLine("Stopping the servers");
            }

            var info = new RunInfo(
                started,
                MachineInfo.Describe(),
                await MachineInfo.DotNetAsync(ct),
                await MachineInfo.CommitAsync(serverRoot, ct),
                postgresText,
                $"{await WrkVersionAsync(ct)}, 1 thread, {options.Seconds} s per measured run after a 2 s warm-up (the bare endpoint first warmed 40 s, each silo until steady){SettingsText(options)}",
                dataText);
            var markdown = report.Render(info);
            var resultsDirectory = Path.Combine(benchRoot, "bench", "results");
            Directory.CreateDirectory(resultsDirectory);
            var reportPath = Path.Combine(resultsDirectory, $"{runId}.md");
            await File.WriteAllTextAsync(reportPath, markdown, ct);
            Console.WriteLine();
            Console.WriteLine(markdown);
            Console.WriteLine($"Written to {reportPath}");
            succeeded = true;
            return 0;
        }
        finally
        {
            // A failed run keeps its folder: the server logs there say why.
            if (!options.Keep && (succeeded || ct.IsCancellationRequested))
            {
                Directory.Delete(runDirectory, recursive: true);
            }
            else
            {
                Console.Error.WriteLine($"Kept the run folder (data files, server logs): {runDirectory}");
            }
        }
    }

    private static async Task<(IReadOnlyList<BenchUser> Users, string Text)> SeedAsync(BenchOptions options, HttpClient http, Platform.ServerProcess silo, SiloSettings settings, DataFiles data, CancellationToken ct)
    {
        Console.WriteLine($"Registering {options.Users} users (PBKDF2 at full cost: this is the slow part)");
        var events = new SubscriptionEvents(settings.WebhookSecret);
        var users = await BenchUsers.CreateAsync(http, silo.BaseUrl, options.Users, events, ct);
        data.WriteUsers(users);
        var text = $"{users.Count} users ({string.Join(", ", users.GroupBy(u => u.Tier).Select(g => $"{g.Count()} {g.Key}"))}), one session each";
        if (options.Runs("webhook"))
        {
            Console.WriteLine($"Signing {WebhookEvents} webhook events");
            data.WriteWebhooks(users, events, WebhookEvents);
            text += $"; {WebhookEvents} distinct signed webhook events (new subscriptions, then their expiry, round by round over all users)";
        }

        return (users, text);
    }

    private static string SettingsText(BenchOptions options) =>
        options.ExtraSiloSettings.Count == 0 ? "" : $"; extra silo settings: {string.Join(", ", options.ExtraSiloSettings.Select(s => $"`{s.Key.Replace("__", ":", StringComparison.Ordinal)}={s.Value}`"))}";

    private static async Task<string> WrkVersionAsync(CancellationToken ct)
    {
        var result = await Command.RunAsync(Wrk.Executable, ["--version"], ct);
        var line = (result.Output + result.Errors).Split('\n').FirstOrDefault(l => l.StartsWith("wrk ", StringComparison.Ordinal));
        return line is null ? "wrk" : string.Join(' ', line.Split(' ').Take(2));
    }

    /// <summary>This repository: the folder above the bench's binaries that holds HiveSync.sln.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HiveSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No HiveSync.sln above {AppContext.BaseDirectory}");
    }
}
