using HiveSync.Silo;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>
/// N silo processes on one database and cluster id, as production runs them: start them, wait until all are
/// Active, kill one (SIGKILL) or stop one (SIGTERM), add more. Silos open no gateway, so a test that calls grains
/// directly joins the cluster itself with <see cref="JoinInProcessAsync"/> and uses that silo's grain factory.
/// Every silo process a test starts is started here, one that is meant never to join too (<see cref="StartProcess"/>).
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly Dictionary<string, string> _settings;
    private readonly List<SiloProcess> _processes = [];
    private readonly List<InProcessSilo> _inProcess = [];
    private readonly HashSet<SiloProcess> _stopped = [];

    private SiloCluster(string database, string clusterId, IReadOnlyDictionary<string, string>? settings)
    {
        Database = database;
        ClusterId = clusterId;
        _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:ClusterId"] = clusterId,
        };
    }

    public string Database { get; }

    public string ClusterId { get; }

    /// <summary>Every process started, in start order (killed and stopped ones included).</summary>
    public IReadOnlyList<SiloProcess> Processes => _processes;

    /// <summary>Starts <paramref name="processes"/> silo processes on a fresh database and waits until all are Active.</summary>
    public static async Task<SiloCluster> StartAsync(string name, int processes, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = await TestPostgres.CreateDatabaseAsync(name);
        var cluster = new SiloCluster(database, $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}"[..40], settings);
        try
        {
            for (var i = 0; i < processes; i++)
            {
                cluster.StartProcess();
            }

            await cluster.WaitAllActiveAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo process with the cluster's settings (and <paramref name="extra"/>); does not wait.</summary>
    public SiloProcess StartProcess(IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(_settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var process = SiloProcess.Start(settings);
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts one more silo process and waits until it and every other live silo are Active.</summary>
    public async Task<SiloProcess> AddProcessAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var process = StartProcess(extra);
        await WaitAllActiveAsync();
        return process;
    }

    /// <summary>
    /// Waits until every live process answers ready and the membership table holds exactly the live silos as Active
    /// (a killed silo still counts as Active until the others declare it dead).
    /// </summary>
    public async Task WaitAllActiveAsync()
    {
        var live = _processes.Where(p => !_stopped.Contains(p) && !p.HasExited).ToList();
        await Task.WhenAll(live.Select(p => p.WaitReadyAsync(StartTimeout)));
        var expected = live.Count + _inProcess.Count;
        var deadline = DateTime.UtcNow + StartTimeout;
        while (await ActiveSilosAsync() != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {expected} active silos, the table says {await ActiveSilosAsync()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Kills a silo process outright (SIGKILL), as a crash would.</summary>
    public void Kill(SiloProcess process)
    {
        _stopped.Add(process);
        process.Kill();
    }

    /// <summary>Stops a silo process gracefully (SIGTERM) and asserts that it exits cleanly.</summary>
    public async Task TerminateAsync(SiloProcess process)
    {
        _stopped.Add(process);
        await process.TerminateAsync();
        Assert.True(0 == await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), process.Output);
    }

    /// <summary>A silo in the test process that joins this cluster, for calling grains through its grain factory.</summary>
    public async Task<InProcessSilo> JoinInProcessAsync()
    {
        var host = await TestSilo.BuildHostAsync(_settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        await host.App.StartAsync();
        var silo = new InProcessSilo(host);
        _inProcess.Add(silo);
        await WaitAllActiveAsync();
        return silo;
    }

    /// <summary>The Orleans address of a silo process, as the membership table has it.</summary>
    public async Task<SiloAddress> AddressOfAsync(SiloProcess process)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(
            "SELECT address, generation FROM orleansmembershiptable WHERE deploymentid = $1 AND port = $2 AND status = 3",
            connection);
        read.Parameters.AddWithValue(ClusterId);
        read.Parameters.AddWithValue(process.SiloPort);
        await using var row = await read.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), $"no active silo on port {process.SiloPort}");
        return SiloAddress.New(System.Net.IPAddress.Parse(row.GetString(0)), process.SiloPort, row.GetInt32(1));
    }

    public async Task<long> ActiveSilosAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3", connection);
        count.Parameters.AddWithValue(ClusterId);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _inProcess)
        {
            await silo.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        using var pooled = new NpgsqlConnection(Database);
        NpgsqlConnection.ClearPool(pooled);
    }
}

/// <summary>A silo hosted in the test process as a member of a <see cref="SiloCluster"/>.</summary>
public sealed class InProcessSilo(SiloHost host) : IAsyncDisposable
{
    public IGrainFactory Grains => host.App.Services.GetRequiredService<IGrainFactory>();

    public SiloAddress Address => host.App.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    public IServiceProvider Services => host.App.Services;

    public async ValueTask DisposeAsync()
    {
        await host.App.StopAsync();
        await host.DisposeAsync();
    }
}
