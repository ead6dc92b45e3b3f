using Dapper;
using HiveSync.Grains.Interfaces.Comments;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Notifications;
using HiveSync.Grains.Platform;
using Npgsql;

namespace HiveSync.Grains.Comments;

public sealed class CommentRow
{
    public long Id { get; set; }

    public long ProjectId { get; set; }

    public string EntityType { get; set; } = "";

    public long? TaskId { get; set; }

    public long AuthorId { get; set; }

    public string Body { get; set; } = "";

    public int Version { get; set; }

    public int StarCount { get; set; }

    public bool StarredByMe { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? EditedAt { get; set; }

    public CommentView ToView() => new(
        Id, ProjectId, EntityType, TaskId ?? ProjectId, AuthorId, Body, Version, StarCount, StarredByMe, CreatedAt.AsUtc(), UpdatedAt.AsUtc(), EditedAt.AsUtc());
}

/// <summary>What a new comment is on; on a task, what its notification to the task's assignees shows.</summary>
public sealed record CommentTarget(string EntityType, long? TaskId, string? TaskKey = null, string? TaskTitle = null, IReadOnlyList<long>? Assignees = null);

/// <summary>SQL for comments, their versions and stars; every statement is scoped to the project.</summary>
public sealed class CommentStore(NpgsqlDataSource db)
{
    private const string Columns = """
        c.id, c.project_id, c.entity_type, c.task_id, c.author_id, c.body, c.version, c.created_at, c.updated_at, c.edited_at,
        (SELECT count(*) FROM comment_stars s WHERE s.comment_id = c.id)::int AS star_count,
        EXISTS (SELECT 1 FROM comment_stars s WHERE s.comment_id = c.id AND s.user_id = @viewerId) AS starred_by_me
        """;

    static CommentStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public async Task<(List<CommentRow> Items, long Total)> ListAsync(long projectId, long? taskId, long viewerId, int offset, int limit)
    {
        // Equality, not IS NOT DISTINCT FROM: each form has its index (comments_by_task, comments_by_project).
        var where = $"comments c WHERE c.project_id = @projectId AND {(taskId is null ? "c.task_id IS NULL" : "c.task_id = @taskId")}";
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            {ListCounts.Capped(where)};
            SELECT {Columns} FROM {where} ORDER BY c.id LIMIT @limit OFFSET @offset;
            """,
            new { projectId, taskId, viewerId, offset, limit });
        var total = await read.ReadSingleAsync<long>();
        return ((await read.ReadAsync<CommentRow>()).AsList(), total);
    }

    public async Task<CommentRow?> FindAsync(long projectId, long commentId, long viewerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<CommentRow>(
            $"SELECT {Columns} FROM comments c WHERE c.project_id = @projectId AND c.id = @commentId", new { projectId, commentId, viewerId });
    }

    /// <summary>
    /// Inserts a comment and, on a task, notifies the task's assignees, in one transaction. Null when the task is not
    /// the project's (the foreign key decides, so a task deleted meanwhile is not commented either).
    /// </summary>
    public async Task<long?> CreateAsync(long projectId, CommentTarget target, long authorId, string body, IReadOnlyList<long> mentioned, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        long id;
        try
        {
            id = await connection.ExecuteScalarAsync<long>(
                """
                INSERT INTO comments (project_id, entity_type, task_id, author_id, body, created_at, updated_at)
                VALUES (@projectId, @EntityType, @TaskId, @authorId, @body, @now, @now) RETURNING id
                """,
                new { projectId, target.EntityType, target.TaskId, authorId, body, now },
                tx);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return null;
        }

        // A mentioned assignee is told once, of the mention.
        var notices = Mentions(mentioned, authorId, projectId, target, id, body);
        if (target is { TaskId: { } taskId, Assignees: { } assignees })
        {
            notices.AddRange(assignees.Except(mentioned).Select(u => new NewNotification(u, NotificationTypes.CommentOnAssignedTask, authorId, projectId, Payload(target, body), taskId, id)));
        }

        await NotificationStore.AddAsync(connection, tx, notices, now);

        await tx.CommitAsync();
        return id;
    }

    /// <summary>
    /// Replaces the body, keeping the old one as a version, under the comment's row lock, and tells
    /// <paramref name="newlyMentioned"/> (on <paramref name="target"/>) in the same transaction. False: gone
    /// meanwhile, or no longer at <paramref name="expectedVersion"/>.
    /// </summary>
    public async Task<bool> EditAsync(long projectId, long commentId, long authorId, string body, long? expectedVersion, CommentTarget? target, IReadOnlyList<long> newlyMentioned, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var current = await connection.QuerySingleOrDefaultAsync<(int Version, string Body, DateTime WrittenAt)?>(
            "SELECT version, body, coalesce(edited_at, created_at) FROM comments WHERE project_id = @projectId AND id = @commentId FOR UPDATE",
            new { projectId, commentId },
            tx);
        if (current is not { } previous || expectedVersion is { } expected && expected != previous.Version)
        {
            return false;
        }

        if (previous.Body != body)
        {
            await connection.ExecuteAsync(
                "INSERT INTO comment_versions (comment_id, version, body, written_at) VALUES (@commentId, @Version, @Body, @WrittenAt)",
                new { commentId, previous.Version, previous.Body, previous.WrittenAt },
                tx);
            await connection.ExecuteAsync(
                "UPDATE comments SET body = @body, version = version + 1, edited_at = @now, updated_at = @now WHERE id = @commentId",
                new { commentId, body, now },
                tx);
            if (target is not null)
            {
                await NotificationStore.AddAsync(connection, tx, Mentions(newlyMentioned, authorId, projectId, target, commentId, body), now);
            }
        }

        await tx.CommitAsync();
        return true;
    }

    /// <summary>Deletes the comment (only at <paramref name="expectedVersion"/> when given); false when nothing was deleted.</summary>
    public async Task<bool> DeleteAsync(long projectId, long commentId, long? expectedVersion)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "DELETE FROM comments WHERE project_id = @projectId AND id = @commentId AND (@expectedVersion::bigint IS NULL OR version = @expectedVersion)",
            new { projectId, commentId, expectedVersion }) == 1;
    }

    /// <summary>Earlier versions, oldest first (the current body is the comment itself).</summary>
    public async Task<List<CommentVersion>> VersionsAsync(long commentId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(int Version, string Body, DateTime WrittenAt)>(
            "SELECT version, body, written_at FROM comment_versions WHERE comment_id = @commentId ORDER BY version", new { commentId });
        return [.. rows.Select(r => new CommentVersion(r.Version, r.Body, r.WrittenAt.AsUtc()))];
    }

    public async Task SetStarAsync(long commentId, long userId, bool starred, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            starred
                ? "INSERT INTO comment_stars (comment_id, user_id, created_at) VALUES (@commentId, @userId, @now) ON CONFLICT DO NOTHING"
                : "DELETE FROM comment_stars WHERE comment_id = @commentId AND user_id = @userId",
            new { commentId, userId, now });
    }

    /// <summary>A page of the comments of <paramref name="projectIds"/> matching <paramref name="text"/>, best first among the newest matches (<see cref="FullTextSearch.Window"/>).</summary>
    public async Task<(List<SearchHitRow> Items, long Total)> SearchAsync(long[] projectIds, string text, string? entityType, int offset, int limit)
    {
        var where = $"c.project_id = ANY(@projectIds){(entityType is null ? "" : " AND c.entity_type = @entityType")} AND c.search @@ {FullTextSearch.Query}";
        await using var connection = await db.OpenConnectionAsync();
        return await FullTextSearch.WindowedPageAsync(
            connection, "comments", "c", where, $"ts_rank_cd(c.search, {FullTextSearch.Query})",
            $"c.id, c.project_id, left(c.body, 80) AS title, c.entity_type, coalesce(c.task_id, c.project_id) AS entity_id, {FullTextSearch.Snippet("c.body")} AS snippet",
            new { projectIds, text, entityType, offset, limit },
            offset);
    }

    private static List<NewNotification> Mentions(IReadOnlyList<long> mentioned, long authorId, long projectId, CommentTarget target, long commentId, string body) =>
        [.. mentioned.Select(u => new NewNotification(u, NotificationTypes.Mentioned, authorId, projectId, Payload(target, body), target.TaskId, commentId))];

    private static object Payload(CommentTarget target, string body) => new { task_key = target.TaskKey, task_title = target.TaskTitle, excerpt = Excerpt(body) };

    private static string Excerpt(string body) => body.Length <= 140 ? body : string.Concat(body.AsSpan(0, 139), "…");
}
