using HiveSync.Grains;
using HiveSync.Grains.Auth;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Platform.Postgres;
using HiveSync.Silo.Admin;
using HiveSync.Silo.Platform;
using HiveSync.WebApi;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;
using Orleans.Runtime;

namespace HiveSync.Silo;

/// <summary>
/// One HiveSync silo: the Orleans runtime and Kestrel with the whole API in one process, on PostgreSQL
/// (the configured one, or a private one it starts). <c>Program</c> runs it; the tests start several.
/// </summary>
public sealed class SiloHost : IAsyncDisposable
{
    public const string DefaultUrl = "http://localhost:5080";

    private readonly EmbeddedPostgres? _postgres;
    private readonly NpgsqlDataSource _dataSource;

    private SiloHost(WebApplication app, EmbeddedPostgres? postgres, NpgsqlDataSource dataSource)
    {
        App = app;
        _postgres = postgres;
        _dataSource = dataSource;
    }

    public WebApplication App { get; }

    /// <summary>The addresses Kestrel listens on, once started.</summary>
    public IReadOnlyCollection<string> Urls => App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <param name="configure">Extra configuration applied last (tests use it).</param>
    public static async Task<SiloHost> BuildAsync(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder.Configuration);
        builder.AddHiveSyncConsoleLogging();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        using var bootLogging = ConsoleLogging.CreateBootLogging(builder.Configuration);
        var database = await DatabaseBootstrap.PrepareAsync(builder.Configuration, bootLogging.CreateLogger("HiveSync.Database"));
        var dataSource = HiveSyncDataSource.Create(database.ConnectionString);
        var signingKey = string.IsNullOrEmpty(builder.Configuration["Auth:SigningKey"]) ? await SigningKeyStore.GetOrCreateAsync(dataSource) : null;

        builder.Services.AddHiveSyncGrainServices(dataSource, builder.Configuration);
        builder.Services.AddHostedService<UserChangeListener>();
        builder.Services.AddHiveSyncApi(builder.Configuration);
        if (signingKey is not null)
        {
            builder.Services.PostConfigure<AuthOptions>(o => o.SigningKey = signingKey);
        }

        builder.UseOrleans(silo => OrleansHosting.Configure(silo, builder.Configuration, database.ConnectionString));
        builder.Services.AddHiveSyncHealthChecks(builder.Configuration);

        var app = builder.Build();
        AdminCommand.WarnAboutRetiredSettings(app);
        app.MapHiveSyncApi();
        app.MapHiveSyncHealthChecks();
        app.Lifetime.ApplicationStarted.Register(() => PrintAddresses(app));
        LogLifetime(app);
        return new SiloHost(app, database.Embedded, dataSource);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _dataSource.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    // The framework's own start and stop lines are below the default level (ConsoleLogging): these say it instead.
    private static void LogLifetime(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HiveSync.Silo");
        var silo = app.Services.GetRequiredService<ILocalSiloDetails>();
        app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(
            "Silo {Silo} is a member of cluster {ClusterId} ({Environment})", silo.SiloAddress, silo.ClusterId, app.Environment.EnvironmentName));
        app.Lifetime.ApplicationStopping.Register(() => logger.LogInformation("Stopping: finishing the requests in flight, then leaving the cluster"));
        app.Lifetime.ApplicationStopped.Register(() => logger.LogInformation("Stopped"));
    }

    private static void PrintAddresses(WebApplication app)
    {
        foreach (var url in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            Console.WriteLine($"HiveSync API:           {url}/api/v1");
            Console.WriteLine($"HiveSync API reference: {url}{HiveSyncApi.ApiReferencePath}  (OpenAPI: {url}{HiveSyncApi.OpenApiPath})");
        }
    }
}
