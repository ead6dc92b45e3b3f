using System.Globalization;
using HiveSync.Bench.Load;
using HiveSync.Bench.Platform;
using HiveSync.Grains.Platform.Migrations;
using HiveSync.Grains.Platform.Postgres;

namespace HiveSync.Bench.Servers;

/// <summary>
/// Every server of one run: a private PostgreSQL in the run's folder, the baseline server and the silos.
/// Disposing stops them all (silos first, they hold database connections), whatever state the run ended in.
/// </summary>
/// <param name="extraSettings">Environment variables for every silo on top of the bench's (<c>--setting</c>).</param>
public sealed class BenchServers(string runDirectory, string runId, string siloDll, IReadOnlyDictionary<string, string> extraSettings, HttpClient http) : IAsyncDisposable
{
    private const string DatabaseName = "hivesync";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly List<ServerProcess> _silos = [];
    private EmbeddedPostgres? _postgres;
    private ServerProcess? _baseline;

    public SiloSettings? Settings { get; private set; }

    public IReadOnlyList<ServerProcess> Silos => _silos;

    /// <summary>The postmaster's pid (its backends are its children), once PostgreSQL runs.</summary>
    public int? PostgresPid { get; private set; }

    public string? PostgresVersion { get; private set; }

    /// <summary>PostgreSQL's log, where <see cref="QueryPlans"/> reads the plans.</summary>
    public string? ServerLog { get; private set; }

    public async Task StartPostgresAsync(CancellationToken ct)
    {
        // Durable, as the server's own embedded default runs it: a refresh is measured with its commit on disk.
        var root = Path.Combine(runDirectory, "postgres");
        _postgres = await EmbeddedPostgres.StartAsync(root, ct: ct);
        var connectionString = _postgres.ConnectionString(DatabaseName);
        await SchemaMigrator.EnsureDatabaseAsync(connectionString, ct);
        await QueryPlans.PrepareAsync(connectionString, DatabaseName, ct);
        ServerLog = Path.Combine(root, "server.log");
        Settings = new SiloSettings(connectionString, runId, Path.Combine(runDirectory, "mail"));
        var pidLine = (await File.ReadAllLinesAsync(Path.Combine(root, "data", "postmaster.pid"), ct))[0];
        PostgresPid = int.Parse(pidLine, CultureInfo.InvariantCulture);
        PostgresVersion = (await File.ReadAllTextAsync(Path.Combine(root, "data", "PG_VERSION"), ct)).Trim();
    }

    public async Task<ServerProcess> StartBaselineAsync(CancellationToken ct)
    {
        var port = FreePorts.Next();
        var url = new Uri($"http://127.0.0.1:{port}");
        var dll = Path.Combine(AppContext.BaseDirectory, "HiveSync.Bench.dll");
        _baseline = ServerProcess.Start("baseline server", url, dll, ["--baseline-server", "--urls", url.ToString().TrimEnd('/')], new Dictionary<string, string>(), Log("baseline"));
        await _baseline.WaitReadyAsync(http, "/json", StartTimeout, ct);
        return _baseline;
    }

    /// <summary>Starts one more silo of the run's cluster and waits until <c>/health/ready</c> says it serves.</summary>
    public async Task<ServerProcess> StartSiloAsync(string name, CancellationToken ct)
    {
        var settings = Settings ?? throw new InvalidOperationException("PostgreSQL first");
        var port = FreePorts.Next();
        var environment = new Dictionary<string, string>(settings.Environment(port, FreePorts.Next()));
        foreach (var (key, value) in extraSettings)
        {
            environment[key] = value;
        }

        var silo = ServerProcess.Start(name, new Uri($"http://127.0.0.1:{port}"), siloDll, [], environment, Log(name.Replace(' ', '-')));
        _silos.Add(silo);
        await silo.WaitReadyAsync(http, "/health/ready", StartTimeout, ct);
        return silo;
    }

    /// <summary>Stops a silo gracefully (it leaves the cluster and its grains deactivate).</summary>
    public async Task StopSiloAsync(ServerProcess silo)
    {
        await silo.StopAsync();
        _silos.Remove(silo);
    }

    public long PostgresCpuTicks => PostgresPid is int pid ? ProcessCpu.TicksWithChildren(pid) : 0;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_silos.Select(s => s.StopAsync()));
        if (_baseline is not null)
        {
            await _baseline.StopAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private string Log(string name) => Path.Combine(runDirectory, $"{name}.log");
}
