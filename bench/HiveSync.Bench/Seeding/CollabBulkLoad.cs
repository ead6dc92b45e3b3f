using Dapper;
using Npgsql;

namespace HiveSync.Bench.Seeding;

/// <summary>
/// Grows the <see cref="CollabTeam"/>'s project to a number of tasks (with labels, assignees and
/// <see cref="CommentsPerTask"/> comments each) straight in the database: creating 600 000 rows through the API
/// would take most of an hour on two cores. The rows are what the API writes (numbers taken from the project row
/// under its lock, assignees who are members, the schema's checks and generated search columns), and the tables
/// are vacuumed and analysed afterwards as autovacuum would in a database that has run a while.
/// </summary>
public static class CollabBulkLoad
{
    public const int CommentsPerTask = 5;

    private const string InsertTasks = """
        INSERT INTO tasks (project_id, number, title, description, status, priority, due_date, created_by, created_at, updated_at, completed_at)
        SELECT @projectId, n, w.title, w.description, s.status, (ARRAY['low','medium','high','urgent'])[1 + (n / 5) % 4],
               CASE WHEN n % 3 = 0 THEN NULL ELSE DATE '2026-01-01' + (n % 365)::int END,
               @ownerId, @now - make_interval(secs => ((@last - n) * 60)::double precision),
               @now - make_interval(secs => ((@last - n) * 30)::double precision), CASE WHEN s.status = 'done' THEN @now END
        FROM generate_series(@first, @last) AS n
        CROSS JOIN LATERAL (SELECT (ARRAY['todo','in_progress','in_review','done','canceled'])[1 + n % 5] AS status) s
        CROSS JOIN LATERAL (
            SELECT string_agg(CASE WHEN k = 1 THEN initcap(word) ELSE word END, ' ' ORDER BY k) FILTER (WHERE k <= 4) AS title,
                   string_agg(word, ' ' ORDER BY k) FILTER (WHERE k > 4) AS description
            FROM (SELECT k, (@words)[1 + (hashint8(n * 100 + k) & 2147483647) % cardinality(@words)] AS word FROM generate_series(1, 16) k) picked
        ) w
        """;

    // Every task one label, a third of them two; three in four tasks one assignee.
    private const string InsertLinks = """
        INSERT INTO task_labels (project_id, task_id, label_id)
        SELECT t.project_id, t.id, (@labelIds)[1 + (t.number + x) % cardinality(@labelIds)]
        FROM tasks t CROSS JOIN generate_series(0, 1) x
        WHERE t.project_id = @projectId AND t.number BETWEEN @first AND @last AND (x = 0 OR t.number % 3 = 0);
        INSERT INTO task_assignees (project_id, task_id, user_id)
        SELECT t.project_id, t.id, (@memberIds)[1 + t.number % cardinality(@memberIds)]
        FROM tasks t WHERE t.project_id = @projectId AND t.number BETWEEN @first AND @last AND t.number % 4 <> 0;
        """;

    private const string InsertComments = """
        INSERT INTO comments (project_id, entity_type, task_id, author_id, body, created_at, updated_at)
        SELECT t.project_id, 'task', t.id, (@memberIds)[1 + (t.number + c) % cardinality(@memberIds)], b.body,
               t.created_at + make_interval(mins => c), t.created_at + make_interval(mins => c)
        FROM tasks t CROSS JOIN generate_series(1, @commentsPerTask) c
        CROSS JOIN LATERAL (
            SELECT string_agg((@words)[1 + (hashint8(t.number * 1000 + c * 50 + k) & 2147483647) % cardinality(@words)], ' ' ORDER BY k) AS body
            FROM generate_series(1, 14) k
        ) b
        WHERE t.project_id = @projectId AND t.number BETWEEN @first AND @last
        """;

    /// <summary>Adds tasks until the project holds <paramref name="targetTasks"/>; answers how many tasks and comments it holds then.</summary>
    public static async Task<(long Tasks, long Comments)> GrowAsync(string connectionString, CollabTeam team, int targetTasks, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var projectId = team.ProjectId;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var count = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tasks WHERE project_id = @projectId", new { projectId }, tx);
            if (count >= targetTasks)
            {
                return (count, await CountCommentsAsync(connection, projectId));
            }

            var first = await connection.ExecuteScalarAsync<long>("SELECT next_task_number FROM projects WHERE id = @projectId FOR UPDATE", new { projectId }, tx);
            var last = first + targetTasks - count - 1;
            var parameters = new
            {
                projectId,
                first,
                last,
                ownerId = team.Members[0].Id,
                now = DateTime.UtcNow,
                words = BenchWords.All.ToArray(),
                labelIds = team.LabelIds.ToArray(),
                memberIds = team.Members.Select(m => m.Id).ToArray(),
                commentsPerTask = CommentsPerTask,
            };
            await connection.ExecuteAsync(InsertTasks, parameters, tx, commandTimeout: 0);
            await connection.ExecuteAsync("UPDATE projects SET next_task_number = @last + 1 WHERE id = @projectId", parameters, tx);
            await connection.ExecuteAsync(InsertLinks, parameters, tx, commandTimeout: 0);
            await connection.ExecuteAsync(InsertComments, parameters, tx, commandTimeout: 0);
            await tx.CommitAsync(ct);
        }

        await connection.ExecuteAsync("VACUUM (ANALYZE) tasks, task_labels, task_assignees, comments", commandTimeout: 0);
        return (targetTasks, await CountCommentsAsync(connection, projectId));
    }

    private static Task<long> CountCommentsAsync(NpgsqlConnection connection, long projectId) =>
        connection.ExecuteScalarAsync<long>("SELECT count(*) FROM comments WHERE project_id = @projectId", new { projectId });

    /// <summary>Ids of up to <paramref name="count"/> of the project's tasks, spread over all of them.</summary>
    public static async Task<List<long>> SampleTaskIdsAsync(string connectionString, long projectId, int count, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return (await connection.QueryAsync<long>("SELECT id FROM tasks WHERE project_id = @projectId ORDER BY random() LIMIT @count", new { projectId, count })).AsList();
    }
}
