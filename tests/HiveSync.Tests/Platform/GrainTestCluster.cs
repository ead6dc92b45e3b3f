using HiveSync.Grains;
using HiveSync.Grains.Auth;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Platform;
using HiveSync.Silo.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.TestingHost;

namespace HiveSync.Tests.Platform;

/// <summary>
/// An Orleans TestingHost cluster (one silo in the test process) running the real grains on a fresh PostgreSQL
/// database, shared by one test class (<c>IClassFixture&lt;GrainTestCluster&gt;</c>, or a subclass that overrides
/// what differs: <see cref="Settings"/>, <see cref="Start"/>, <see cref="Silos"/>, <see cref="ConfigureServices"/>,
/// <see cref="PrepareDatabaseAsync"/>). The silos register their services, grain storage and reminders as a
/// HiveSync silo does; domain time is a <see cref="FakeTimeProvider"/> the tests move, so nothing expires because
/// the machine was slow.
/// </summary>
public class GrainTestCluster : IAsyncLifetime
{
    public FakeTimeProvider Time { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource Database { get; private set; } = null!;

    /// <summary>Settings a test class wants on top of <see cref="TestSilo.CommonSettings"/> (same keys as a silo's).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    /// <summary>Where domain time starts.</summary>
    protected virtual DateTimeOffset Start => DateTimeOffset.UtcNow;

    /// <summary>How many silos: more than one where a test needs grains and services on different silos.</summary>
    protected virtual short Silos => 1;

    /// <summary>What a test class adds to each silo after HiveSync's own services (test doubles of its own, ...).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Runs on the fresh, migrated database before the silos start (tables of the test's own, ...).</summary>
    protected virtual Task PrepareDatabaseAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Time = new FakeTimeProvider(Start);
        ConnectionString = await TestPostgres.CreateDatabaseAsync(GetType().Name);
        Database = HiveSync.Grains.Platform.Postgres.HiveSyncDataSource.Create(ConnectionString);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestSilo.CommonSettings).AddInMemoryCollection(Settings).Build();
        await PrepareDatabaseAsync();
        var signingKey = await SigningKeyStore.GetOrCreateAsync(Database); // as SiloHost does when none is configured
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.ConfigureSilo((_, silo) =>
        {
            OrleansHosting.AddGrainStorageAndReminders(silo, ConnectionString);
            silo.Services.AddSingleton(new DomainClock(Time)); // before the grains' services, which default to the system clock
            silo.Services.AddHiveSyncGrainServices(Database, configuration); // as SiloHost registers them (the API aside)
            silo.Services.AddHostedService<UserChangeListener>();
            silo.Services.PostConfigure<AuthOptions>(o => o.SigningKey ??= signingKey);
            ConfigureServices(silo.Services);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        // Orleans' providers pool connections by connection string; this database is done with, so free them.
        using var pooled = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(pooled);
    }
}
