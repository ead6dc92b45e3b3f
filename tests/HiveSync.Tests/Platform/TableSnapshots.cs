using Dapper;

namespace HiveSync.Tests.Platform;

/// <summary>A table in a snapshot, and the columns (of alias <c>x</c>) that order its rows.</summary>
public sealed record SnapshotTable(string Name, string OrderBy);

/// <summary>
/// Every row of some tables as one text: equal snapshots before and after a request prove that it changed nothing
/// (each test class has a database of its own, and its tests run one at a time). Generated search columns are left out.
/// </summary>
public static class TableSnapshots
{
    public static async Task<string> SnapshotAsync(this TestSilo silo, IReadOnlyList<SnapshotTable> tables)
    {
        var parts = tables.Select(t => $"'{t.Name}', (SELECT coalesce(json_agg(to_jsonb(x) - 'search' ORDER BY {t.OrderBy}), '[]') FROM {t.Name} x)");
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<string>($"SELECT json_build_object({string.Join(", ", parts)})::text") ?? "";
    }

    /// <summary>Runs <paramref name="request"/> and asserts that <paramref name="tables"/> are exactly as before it.</summary>
    public static async Task AssertUnchangedAsync(this TestSilo silo, IReadOnlyList<SnapshotTable> tables, Func<Task> request)
    {
        var before = await silo.SnapshotAsync(tables);
        await request();
        Assert.Equal(before, await silo.SnapshotAsync(tables));
    }
}
