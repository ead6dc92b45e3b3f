using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>
/// Makes real PostgreSQL writes to one table of a test database fail (a trigger that raises) until disposed, so
/// a grain's failure path runs against the real database: nothing is mocked, the write really fails.
/// </summary>
/// <example><c>await using (await FailingWrites.OnAsync(connectionString, "users")) { ... }</c></example>
public sealed class FailingWrites : IAsyncDisposable
{
    public const string Message = "test: writes to this table are failing";

    private readonly string _connectionString;
    private readonly string _table;

    private FailingWrites(string connectionString, string table)
    {
        _connectionString = connectionString;
        _table = table;
    }

    /// <param name="table">A table name (unquoted, e.g. <c>users</c>, <c>orleansstorage</c>).</param>
    /// <param name="operations">Which statements fail, in trigger syntax (<c>UPDATE</c>, <c>INSERT OR UPDATE</c>, ...).</param>
    public static async Task<FailingWrites> OnAsync(string connectionString, string table, string operations = "INSERT OR UPDATE OR DELETE")
    {
        if (!table.All(c => char.IsAsciiLetterLower(c) || c == '_'))
        {
            throw new ArgumentException("A plain lower-case table name.", nameof(table));
        }

        await ExecuteAsync(
            connectionString,
            $"""
            CREATE OR REPLACE FUNCTION hs_test_fail_write() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION '{Message}'; END $$;
            CREATE TRIGGER hs_test_fail_{table} BEFORE {operations} ON {table} FOR EACH ROW EXECUTE FUNCTION hs_test_fail_write();
            """);
        return new FailingWrites(connectionString, table);
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(_connectionString, $"DROP TRIGGER IF EXISTS hs_test_fail_{_table} ON {_table}");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
