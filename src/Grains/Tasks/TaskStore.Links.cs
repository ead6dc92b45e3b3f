using Dapper;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Tasks;

public sealed record LabelRow(long Id, string Name, string Color, DateTime CreatedAt);

/// <summary>Labels and dependencies.</summary>
public sealed partial class TaskStore
{
    public async Task<List<LabelRow>> ListLabelsAsync(long projectId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<LabelRow>("SELECT id, name, color, created_at FROM labels WHERE project_id = @projectId ORDER BY lower(name), id", new { projectId })).AsList();
    }

    public async Task<LabelRow?> GetLabelAsync(long projectId, long labelId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<LabelRow?>(
            "SELECT id, name, color, created_at FROM labels WHERE project_id = @projectId AND id = @labelId", new { projectId, labelId });
    }

    /// <summary>Null when the project has a label of that name already (any case).</summary>
    public async Task<LabelRow?> AddLabelAsync(long projectId, string name, string color, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<LabelRow?>(
            """
            INSERT INTO labels (project_id, name, color, created_at) VALUES (@projectId, @name, @color, @now)
            ON CONFLICT (project_id, lower(name)) DO NOTHING
            RETURNING id, name, color, created_at
            """,
            new { projectId, name, color, now });
    }

    /// <summary>Deletes the label; it leaves every task that carried it (cascade). False: no such label in the project.</summary>
    public async Task<bool> RemoveLabelAsync(long projectId, long labelId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync("DELETE FROM labels WHERE project_id = @projectId AND id = @labelId", new { projectId, labelId }) == 1;
    }

    /// <summary>
    /// Makes <paramref name="taskId"/> wait for <paramref name="dependsOn"/> unless that closes a cycle. The project's
    /// dependency lock orders every addition in the project, so two halves of a cycle added at once through different
    /// silos are checked one after the other. Answers the cycle it would close (task ids, first = last), or null.
    /// </summary>
    public async Task<IReadOnlyList<long>?> AddDependencyAsync(long projectId, long taskId, long dependsOn, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('task_dependencies.project:' || @projectId, 0))", new { projectId }, tx);
        var found = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM tasks WHERE project_id = @projectId AND id IN (@taskId, @dependsOn)", new { projectId, taskId, dependsOn }, tx);
        if (found < 2)
        {
            throw new DomainException(ErrorCodes.TaskNotFound, "This project has no such task.");
        }

        // A path from dependsOn back to taskId along existing "waits for" edges is the cycle the new edge would close.
        var path = await connection.QuerySingleOrDefaultAsync<long[]?>(
            """
            WITH RECURSIVE walk (node, path) AS (
                SELECT @dependsOn, ARRAY[@taskId, @dependsOn]
                UNION ALL
                SELECT d.depends_on, w.path || d.depends_on
                FROM walk w JOIN task_dependencies d ON d.task_id = w.node
                WHERE w.node <> @taskId AND NOT d.depends_on = ANY(w.path[2:])
            )
            SELECT path FROM walk WHERE node = @taskId LIMIT 1
            """,
            new { taskId, dependsOn },
            tx);
        if (path is not null)
        {
            return path;
        }

        await connection.ExecuteAsync(
            "INSERT INTO task_dependencies (project_id, task_id, depends_on, created_at) VALUES (@projectId, @taskId, @dependsOn, @now) ON CONFLICT DO NOTHING",
            new { projectId, taskId, dependsOn, now },
            tx);
        await tx.CommitAsync();
        return null;
    }

    public async Task RemoveDependencyAsync(long projectId, long taskId, long dependsOn)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("DELETE FROM task_dependencies WHERE project_id = @projectId AND task_id = @taskId AND depends_on = @dependsOn", new { projectId, taskId, dependsOn });
    }

    public static TaskLabel ToLabel(LabelRow row) => new(row.Id, row.Name, row.Color, row.CreatedAt.AsUtc());
}
