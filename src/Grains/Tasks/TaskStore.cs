using System.Text.Json;
using Dapper;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using Npgsql;

namespace HiveSync.Grains.Tasks;

public sealed class TaskRow
{
    public long Id { get; set; }

    public long ProjectId { get; set; }

    public long Number { get; set; }

    public string Title { get; set; } = "";

    public string Description { get; set; } = "";

    public string Status { get; set; } = "";

    public string Priority { get; set; } = "";

    public DateTime? DueDate { get; set; }

    public long CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    public long Version { get; set; }

    public long[] AssigneeIds { get; set; } = [];

    public long[] LabelIds { get; set; } = [];

    public long[] DependsOn { get; set; } = [];
}

public sealed record BlockerRow(long TaskId, long Id, long Number, string Title, string Status);

/// <summary>What a PATCH did: applied, no such task, or refused because of these open blockers (nothing changed).</summary>
public sealed record TaskUpdate(bool Found, IReadOnlyList<BlockerRow> OpenBlockers, bool Stale = false)
{
    public static readonly TaskUpdate Done = new(true, []);
    public static readonly TaskUpdate NotFound = new(false, []);
    public static readonly TaskUpdate StaleVersion = new(true, [], Stale: true);
}

/// <summary>
/// SQL for tasks and what hangs on them. Every change is one transaction that locks what it decides on (the task's row,
/// the project's row for numbers, the project's dependency lock), so edits through any silo serialise in PostgreSQL.
/// </summary>
public sealed partial class TaskStore(NpgsqlDataSource db)
{
    private const string TaskColumns = """
        t.id, t.project_id, t.number, t.title, t.description, t.status, t.priority, t.due_date, t.created_by, t.created_at,
        t.updated_at, t.completed_at, t.version,
        ARRAY(SELECT a.user_id FROM task_assignees a WHERE a.task_id = t.id ORDER BY a.user_id) AS assignee_ids,
        ARRAY(SELECT l.label_id FROM task_labels l WHERE l.task_id = t.id ORDER BY l.label_id) AS label_ids,
        ARRAY(SELECT d.depends_on FROM task_dependencies d WHERE d.task_id = t.id ORDER BY d.depends_on) AS depends_on
        """;

    static TaskStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>
    /// Inserts a task with the project's next number: the project row's lock makes numbers gapless and unique. The
    /// lock is held until the commit, so everything but the notifications is one statement: every round trip made
    /// while holding it would be waited out by every other create in the project.
    /// </summary>
    public async Task<long> CreateAsync(long projectId, string projectKey, long createdBy, NewTask task, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        (long Id, long Number)? created;
        try
        {
            created = await connection.QuerySingleOrDefaultAsync<(long, long)?>(
                """
                WITH numbered AS (
                    UPDATE projects SET next_task_number = next_task_number + 1 WHERE id = @projectId RETURNING next_task_number - 1 AS number
                ), task AS (
                    INSERT INTO tasks (project_id, number, title, description, status, priority, due_date, created_by, created_at, updated_at, completed_at)
                    SELECT @projectId, number, @Title, @Description, @Status, @Priority, @dueDate, @createdBy, @now, @now, @completedAt FROM numbered
                    RETURNING id, number
                ), assigned AS (
                    INSERT INTO task_assignees (project_id, task_id, user_id) SELECT @projectId, task.id, unnest(@assigneeIds) FROM task
                ), labelled AS (
                    INSERT INTO task_labels (project_id, task_id, label_id) SELECT @projectId, task.id, unnest(@labelIds) FROM task
                ), logged AS (
                    INSERT INTO task_activity (task_id, actor_id, field, old_value, new_value, occurred_at)
                    SELECT task.id, @createdBy, 'created', NULL, to_jsonb(task.number), @now FROM task
                )
                SELECT id, number FROM task
                """,
                new
                {
                    projectId, task.Title, task.Description, task.Status, task.Priority, dueDate = ToDate(task.DueDate), createdBy, now,
                    completedAt = task.Status == TaskStatuses.Done ? now : (DateTime?)null,
                    assigneeIds = task.AssigneeIds.ToArray(), labelIds = task.LabelIds.ToArray(),
                },
                tx);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw LinkRefused(e);
        }

        var (id, number) = created ?? throw Interfaces.Projects.ProjectErrors.NotFound();
        await TaskEvents.AssignedAsync(connection, tx, new TaskRef(projectId, projectKey, id, number, task.Title), createdBy, task.AssigneeIds, now);
        await tx.CommitAsync();
        return id;
    }

    public async Task<TaskRow?> FindAsync(long projectId, long taskId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<TaskRow>($"SELECT {TaskColumns} FROM tasks t WHERE t.project_id = @projectId AND t.id = @taskId", new { projectId, taskId });
    }

    /// <summary>Whether the project has this task (no columns read).</summary>
    public async Task<bool> ExistsAsync(long projectId, long taskId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM tasks WHERE project_id = @projectId AND id = @taskId)", new { projectId, taskId });
    }

    public async Task<long?> FindIdByNumberAsync(long projectId, long number)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT id FROM tasks WHERE project_id = @projectId AND number = @number", new { projectId, number });
    }

    /// <summary>The open tasks each of <paramref name="taskIds"/> waits for.</summary>
    public async Task<List<BlockerRow>> OpenBlockersAsync(IReadOnlyList<long> taskIds)
    {
        if (taskIds.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<BlockerRow>(OpenBlockersSql, new { taskIds = taskIds.ToArray() })).AsList();
    }

    /// <summary>
    /// Applies a PATCH under the task's row lock and records one activity entry per changed field. Moving to done with
    /// open blockers (and no override) changes nothing and answers them (<see cref="TaskUpdate.OpenBlockers"/>).
    /// </summary>
    public async Task<TaskUpdate> UpdateAsync(long projectId, string projectKey, long taskId, long actorId, TaskChanges changes, long? expectedVersion, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<TaskRow>(
            $"SELECT {TaskColumns} FROM tasks t WHERE t.project_id = @projectId AND t.id = @taskId FOR UPDATE", new { projectId, taskId }, tx);
        if (row is null)
        {
            return TaskUpdate.NotFound;
        }

        if (expectedVersion is { } expected && expected != row.Version)
        {
            return TaskUpdate.StaleVersion;
        }

        if (changes.Status == TaskStatuses.Done && row.Status != TaskStatuses.Done && !changes.OverrideBlockers)
        {
            var open = (await connection.QueryAsync<BlockerRow>(OpenBlockersSql, new { taskIds = new[] { taskId } }, tx)).AsList();
            if (open.Count > 0)
            {
                return new TaskUpdate(Found: true, open);
            }
        }

        var changed = TaskChangeLog.Diff(row, changes);
        if (changed.Count == 0)
        {
            return TaskUpdate.Done;
        }

        var status = changes.Status ?? row.Status;
        var completedAt = status == TaskStatuses.Done ? (row.Status == TaskStatuses.Done ? row.CompletedAt : now) : null;
        await connection.ExecuteAsync(
            """
            UPDATE tasks SET title = @title, description = @description, status = @status, priority = @priority, due_date = @dueDate,
                completed_at = @completedAt, updated_at = @now, version = version + 1
            WHERE id = @taskId
            """,
            new
            {
                taskId,
                title = changes.Title ?? row.Title,
                description = changes.Description ?? row.Description,
                status,
                priority = changes.Priority ?? row.Priority,
                dueDate = changes.SetDueDate ? ToDate(changes.DueDate) : row.DueDate,
                completedAt,
                now,
            },
            tx);
        if (changes.AssigneeIds is not null || changes.LabelIds is not null)
        {
            await ReplaceLinksAsync(connection, tx, projectId, taskId, changes.AssigneeIds, changes.LabelIds);
        }

        await RecordAsync(connection, tx, taskId, actorId, now, changed);
        var task = new TaskRef(projectId, projectKey, taskId, row.Number, changes.Title ?? row.Title);
        if (changes.AssigneeIds is { } assignees)
        {
            await TaskEvents.AssignedAsync(connection, tx, task, actorId, [.. assignees.Except(row.AssigneeIds)], now);
        }

        if (status == TaskStatuses.Done && row.Status != TaskStatuses.Done)
        {
            await TaskEvents.BlockerDoneAsync(connection, tx, task, actorId, now);
        }

        await tx.CommitAsync();
        return TaskUpdate.Done;
    }

    /// <summary>Deletes the task (only at <paramref name="expectedVersion"/> when given); false when nothing was deleted.</summary>
    public async Task<bool> DeleteAsync(long projectId, long taskId, long? expectedVersion)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "DELETE FROM tasks WHERE project_id = @projectId AND id = @taskId AND (@expectedVersion::bigint IS NULL OR version = @expectedVersion)",
            new { projectId, taskId, expectedVersion }) == 1;
    }

    public async Task<List<TaskActivityEntry>> ActivityAsync(long taskId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(long Id, long ActorId, string Field, string? OldValue, string? NewValue, DateTime OccurredAt)>(
            "SELECT id, actor_id, field, old_value::text, new_value::text, occurred_at FROM task_activity WHERE task_id = @taskId ORDER BY id",
            new { taskId });
        return [.. rows.Select(r => new TaskActivityEntry(r.Id, r.ActorId, r.Field, r.OldValue, r.NewValue, Platform.UtcTimes.AsUtc(r.OccurredAt)))];
    }

    private const string OpenBlockersSql = """
        SELECT d.task_id, b.id, b.number, b.title, b.status
        FROM task_dependencies d JOIN tasks b ON b.id = d.depends_on
        WHERE d.task_id = ANY(@taskIds) AND b.status NOT IN ('done', 'canceled')
        ORDER BY b.number
        """;

    /// <summary>Replaces the assignees and labels given; the foreign keys refuse non-members and other projects' labels.</summary>
    private static async Task ReplaceLinksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, long taskId, IReadOnlyList<long>? assignees, IReadOnlyList<long>? labels)
    {
        try
        {
            if (assignees is not null)
            {
                await connection.ExecuteAsync("DELETE FROM task_assignees WHERE task_id = @taskId", new { taskId }, tx);

                await connection.ExecuteAsync(
                    "INSERT INTO task_assignees (project_id, task_id, user_id) SELECT @projectId, @taskId, unnest(@ids)",
                    new { projectId, taskId, ids = assignees.ToArray() },
                    tx);
            }

            if (labels is not null)
            {
                await connection.ExecuteAsync("DELETE FROM task_labels WHERE task_id = @taskId", new { taskId }, tx);

                await connection.ExecuteAsync(
                    "INSERT INTO task_labels (project_id, task_id, label_id) SELECT @projectId, @taskId, unnest(@ids)",
                    new { projectId, taskId, ids = labels.ToArray() },
                    tx);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw LinkRefused(e);
        }
    }

    private static DomainException LinkRefused(PostgresException e) => e.TableName == "task_assignees"
        ? DomainException.Validation("assignee_ids", "Every assignee must be a member of the project.")
        : DomainException.Validation("label_ids", "Every label must be one of the project's labels.");

    private static Task<int> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long taskId, long actorId, DateTime now, IReadOnlyList<(string Field, string? Old, string? New)> changes) =>
        connection.ExecuteAsync(
            "INSERT INTO task_activity (task_id, actor_id, field, old_value, new_value, occurred_at) SELECT @taskId, @actorId, f, o::jsonb, n::jsonb, @now FROM unnest(@fields, @olds, @news) AS c(f, o, n)",
            new { taskId, actorId, now, fields = changes.Select(c => c.Field).ToArray(), olds = changes.Select(c => c.Old).ToArray(), news = changes.Select(c => c.New).ToArray() },
            tx);

    private static DateTime? ToDate(DateOnly? date) => date?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
}
