using System.Text.Json;
using Dapper;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Platform;
using Npgsql;

namespace HiveSync.Grains.Notifications;

/// <summary>A notification to create: for whom, about what, by whom, and what it shows (its payload).</summary>
public sealed record NewNotification(long UserId, string Type, long? ActorId, long? ProjectId, object Payload, long? TaskId = null, long? CommentId = null);

/// <summary>
/// SQL for notifications and their settings. <see cref="AddAsync"/> is the one place a notification is created: the
/// domain whose change causes it calls it inside that change's transaction.
/// </summary>
public sealed partial class NotificationStore(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    static NotificationStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>
    /// Creates the notifications in the caller's transaction, except to their own actor and where the user turned both of
    /// the type's channels off; one with email on waits for the user's next digest, which this opens if none is open.
    /// Each user's lock is taken first, in user order, and held to the commit: one user's notifications get their ids
    /// in the order they commit, so a stream that resumes after an id misses none (docs/architecture.md, "Live
    /// notifications"), and a digest being sent sees every notification that committed before it.
    /// </summary>
    public static async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyCollection<NewNotification> notifications, DateTime now)
    {
        var due = notifications.Where(n => n.UserId != n.ActorId).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(
            $"""
            {LockUsers};
            WITH wanted AS (
                SELECT n.*, COALESCE(s.in_app, true) AS in_app, COALESCE(s.email, true) AS email
                FROM unnest(@userIds, @types, @actorIds, @projectIds, @taskIds, @commentIds, @payloads) AS n(user_id, type, actor_id, project_id, task_id, comment_id, payload)
                LEFT JOIN notification_settings s ON s.user_id = n.user_id AND s.event_type = n.type
            ), added AS (
                INSERT INTO notifications (user_id, type, actor_id, project_id, task_id, comment_id, payload, created_at, shown, email_state)
                SELECT user_id, type, actor_id, project_id, task_id, comment_id, payload::jsonb, @now, in_app, CASE WHEN email THEN 'pending' END
                FROM wanted WHERE in_app OR email
                RETURNING user_id, email_state
            )
            {OpenDigestsFor("SELECT DISTINCT user_id FROM added WHERE email_state = 'pending'")}
            """,
            new
            {
                now,
                userIds = due.Select(n => n.UserId).ToArray(),
                types = due.Select(n => n.Type).ToArray(),
                actorIds = due.Select(n => n.ActorId).ToArray(),
                projectIds = due.Select(n => n.ProjectId).ToArray(),
                taskIds = due.Select(n => n.TaskId).ToArray(),
                commentIds = due.Select(n => n.CommentId).ToArray(),
                payloads = due.Select(n => JsonSerializer.Serialize(n.Payload, PayloadJson)).ToArray(),
            },
            tx);
    }

    public async Task<(List<Notification> Items, long Total)> ListAsync(long userId, bool unreadOnly, int offset, int limit)
    {
        // The unread filter spelled out when given, so that the partial index of unread notifications serves it.
        var where = $"notifications WHERE user_id = @userId AND shown{(unreadOnly ? " AND read_at IS NULL" : "")}";
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            {ListCounts.Capped(where)};
            SELECT id, type, actor_id, project_id, task_id, comment_id, payload::text AS payload, created_at, read_at
            FROM {where} ORDER BY id DESC LIMIT @limit OFFSET @offset;
            """,
            new { userId, unreadOnly, offset, limit });
        var total = await read.ReadSingleAsync<long>();
        var rows = await read.ReadAsync<(long Id, string Type, long? ActorId, long? ProjectId, long? TaskId, long? CommentId, string Payload, DateTime CreatedAt, DateTime? ReadAt)>();
        return ([.. rows.Select(r => new Notification(r.Id, r.Type, r.ActorId, r.ProjectId, r.TaskId, r.CommentId, r.Payload, r.CreatedAt.AsUtc(), r.ReadAt.AsUtc()))], total);
    }

    /// <summary>The user's notifications after <paramref name="afterId"/>, oldest first: what a stream has not sent yet.</summary>
    public async Task<List<Notification>> SinceAsync(long userId, long afterId, int limit)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(long Id, string Type, long? ActorId, long? ProjectId, long? TaskId, long? CommentId, string Payload, DateTime CreatedAt, DateTime? ReadAt)>(
            """
            SELECT id, type, actor_id, project_id, task_id, comment_id, payload::text AS payload, created_at, read_at
            FROM notifications WHERE user_id = @userId AND shown AND id > @afterId ORDER BY id LIMIT @limit
            """,
            new { userId, afterId, limit });
        return [.. rows.Select(r => new Notification(r.Id, r.Type, r.ActorId, r.ProjectId, r.TaskId, r.CommentId, r.Payload, r.CreatedAt.AsUtc(), r.ReadAt.AsUtc()))];
    }

    /// <summary>The user's newest notification id (0 when none): where a stream without Last-Event-ID starts.</summary>
    public async Task<long> LatestIdAsync(long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT max(id) FROM notifications WHERE user_id = @userId AND shown", new { userId }) ?? 0;
    }

    public async Task<long> UnreadCountAsync(long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM notifications WHERE user_id = @userId AND shown AND read_at IS NULL", new { userId });
    }

    /// <summary>Marks the user's own unread notifications among <paramref name="ids"/>; others' ids match nothing.</summary>
    public async Task<int> MarkReadAsync(long userId, IReadOnlyList<long>? ids, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "UPDATE notifications SET read_at = @now WHERE user_id = @userId AND shown AND read_at IS NULL AND (@all OR id = ANY(@ids))",
            new { userId, now, all = ids is null, ids = (ids ?? []).ToArray() });
    }

    public async Task<List<NotificationSetting>> SettingsAsync(long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(string EventType, bool InApp, bool Email)>(
            "SELECT event_type, in_app, email FROM notification_settings WHERE user_id = @userId", new { userId })).ToDictionary(s => s.EventType);
        return [.. NotificationTypes.All.Select(t => stored.TryGetValue(t, out var s) ? new NotificationSetting(t, s.InApp, s.Email) : new NotificationSetting(t, true, true))];
    }

    public async Task SaveSettingsAsync(long userId, IReadOnlyList<NotificationSetting> settings, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO notification_settings (user_id, event_type, in_app, email, updated_at)
            SELECT @userId, t, i, e, @now FROM unnest(@types, @inApp, @email) AS s(t, i, e)
            ON CONFLICT (user_id, event_type) DO UPDATE SET in_app = EXCLUDED.in_app, email = EXCLUDED.email, updated_at = EXCLUDED.updated_at
            """,
            new { userId, now, types = settings.Select(s => s.EventType).ToArray(), inApp = settings.Select(s => s.InApp).ToArray(), email = settings.Select(s => s.Email).ToArray() });
    }
}
