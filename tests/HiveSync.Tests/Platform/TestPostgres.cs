using HiveSync.Grains.Platform.Migrations;
using HiveSync.Grains.Platform.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>
/// One throwaway PostgreSQL server per test run (same launcher as the app), and a fresh database per caller.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<EmbeddedPostgres>> Server = new(StartAsync);
    private static int _databaseCounter;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string label)
    {
        var server = await Server.Value;
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}_{new string(label.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray())}";
        await using (var connection = new NpgsqlConnection(server.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return server.ConnectionString(name);
    }

    /// <summary>Creates a database with every HiveSync migration applied and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string label)
    {
        var connectionString = await CreateEmptyDatabaseAsync(label);
        await SchemaMigrator.ApplyAsync(connectionString, NullLogger.Instance);
        return connectionString;
    }

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"hivesync-test-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        var server = await EmbeddedPostgres.StartAsync(root, throwaway: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder is harmless.
            }
        };
        return server;
    }
}
