using HiveSync.Grains.Platform;
using HiveSync.Grains.Platform.Migrations;
using HiveSync.Grains.Platform.Postgres;

namespace HiveSync.Silo.Platform;

public sealed record PreparedDatabase(string ConnectionString, EmbeddedPostgres? Embedded);

/// <summary>
/// Finds the database before anything else starts: <c>ConnectionStrings:Postgres</c> when configured,
/// otherwise a private PostgreSQL from the machine's binaries; then applies every schema migration.
/// </summary>
public static class DatabaseBootstrap
{
    public const string EmbeddedDatabaseName = "hivesync";

    public static async Task<PreparedDatabase> PrepareAsync(IConfiguration configuration, ILogger logger)
    {
        var configured = configuration.GetConnectionString("Postgres");
        EmbeddedPostgres? embedded = null;
        string connectionString;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            connectionString = configured;
            logger.LogInformation("Using the PostgreSQL database from ConnectionStrings:Postgres");
        }
        else
        {
            var root = configuration["Postgres:DataDirectory"] is { Length: > 0 } dir ? Path.GetFullPath(dir) : DefaultDataDirectory();
            embedded = await EmbeddedPostgres.StartAsync(root, configuration["Postgres:BinDirectory"]);
            connectionString = embedded.ConnectionString(EmbeddedDatabaseName);
            await SchemaMigrator.EnsureDatabaseAsync(connectionString);
            logger.LogInformation("Started a private PostgreSQL on 127.0.0.1:{Port} with data in {Directory}", embedded.Port, root);
        }

        try
        {
            await SchemaMigrator.ApplyAsync(connectionString, logger);
        }
        catch
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }

            throw;
        }

        return new PreparedDatabase(connectionString, embedded);
    }

    private static string DefaultDataDirectory() => DataDirectories.Default("postgres");
}
