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

    private const string FolderPrefix = "hivesync-test-pg-";

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        RemoveLeftovers();
        var root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        var server = await EmbeddedPostgres.StartAsync(root, throwaway: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the next run removes what is left (RemoveLeftovers).
            }
        };
        return server;
    }

    /// <summary>
    /// Deletes the folders of earlier test runs whose process is gone: the clean-up at exit is best effort (a test
    /// host that is killed, or outlives its exit time, leaves its cluster behind), and each holds a cluster's WAL.
    /// </summary>
    private static void RemoveLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var pidText = Path.GetFileName(folder)[FolderPrefix.Length..].Split('-')[0];
            if (!int.TryParse(pidText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run is removing it, or it is not ours to remove.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
