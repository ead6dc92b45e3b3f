using HiveSync.Grains.Platform.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HiveSync.Tests.Platform;

public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task Applies_every_embedded_migration_once_and_records_it()
    {
        var database = await TestPostgres.CreateEmptyDatabaseAsync("migrate-once");

        var first = await SchemaMigrator.ApplyAsync(database, NullLogger.Instance);
        var second = await SchemaMigrator.ApplyAsync(database, NullLogger.Instance);

        Assert.Equal(SchemaMigrator.EmbeddedMigrations.Count, first);
        Assert.Equal(0, second);
        Assert.Equal(SchemaMigrator.EmbeddedMigrations.Select(m => m.Version), await AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Silos_migrating_at_the_same_time_apply_each_migration_exactly_once()
    {
        var database = await TestPostgres.CreateEmptyDatabaseAsync("migrate-race");

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SchemaMigrator.ApplyAsync(database, NullLogger.Instance))));

        Assert.Equal(SchemaMigrator.EmbeddedMigrations.Count, applied.Sum());
        Assert.Equal(SchemaMigrator.EmbeddedMigrations.Select(m => m.Version), await AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_stops_start_up()
    {
        var database = await TestPostgres.CreateEmptyDatabaseAsync("migrate-edited");
        await SchemaMigrator.ApplyAsync(database, NullLogger.Instance);
        await ExecuteAsync(database, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaMigrator.ApplyAsync(database, NullLogger.Instance));

        Assert.Contains("was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ensure_database_creates_a_missing_database_and_tolerates_an_existing_one()
    {
        var existing = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateEmptyDatabaseAsync("ensure"));
        var missing = new NpgsqlConnectionStringBuilder(existing.ConnectionString) { Database = "ensure_" + Guid.NewGuid().ToString("N")[..12] };

        await SchemaMigrator.EnsureDatabaseAsync(missing.ConnectionString);
        await SchemaMigrator.EnsureDatabaseAsync(missing.ConnectionString);
        await SchemaMigrator.EnsureDatabaseAsync(existing.ConnectionString);

        await using var connection = new NpgsqlConnection(missing.ConnectionString);
        await connection.OpenAsync(); // would throw 3D000 if it did not exist
    }

    private static async Task<List<int>> AppliedVersionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
