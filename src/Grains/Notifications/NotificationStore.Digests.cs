using Dapper;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Platform;
using Npgsql;

namespace HiveSync.Grains.Notifications;

/// <summary>What a digest sends: the first notifications to list, how many there are in all, and the newest pending id.</summary>
public sealed record PendingEmails(IReadOnlyList<Notification> Listed, int Total, long MaxPendingId);

/// <summary>Notification digests (docs/architecture.md, "Notification emails"): one open per user, sent as one email.</summary>
public sealed partial class NotificationStore
{
    public const string DigestsTable = "notification_digests";

    // Every user's lock, in user order (AddAsync's first statement; a digest's settling takes its user's the same way).
    private const string LockUsers =
        "SELECT pg_advisory_xact_lock(hashtextextended('notifications.user:' || u, 0)) FROM (SELECT DISTINCT unnest(@userIds) AS u ORDER BY 1) AS users";

    // Opens a digest for each user of the query that has none open: due now, or when their last digest's quiet period ends.
    private static string OpenDigestsFor(string users) => $"""
        INSERT INTO notification_digests (user_id, created_at, next_attempt_at)
        SELECT u.user_id, @now, GREATEST(@now, COALESCE((SELECT max(d.quiet_until) FROM notification_digests d WHERE d.user_id = u.user_id), @now))
        FROM ({users}) AS u
        ON CONFLICT (user_id) WHERE processed_at IS NULL DO NOTHING
        """;

    public async Task<long?> DigestOwnerAsync(long digestId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT user_id FROM notification_digests WHERE id = @digestId", new { digestId });
    }

    /// <summary>The user's notifications waiting for an email that still need one (unread in the app, or not shown there).</summary>
    public async Task<PendingEmails> PendingEmailsAsync(long userId, int listed)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            """
            SELECT count(*) FILTER (WHERE read_at IS NULL OR NOT shown)::int AS total, COALESCE(max(id), 0) AS max_id
            FROM notifications WHERE user_id = @userId AND email_state = 'pending';
            SELECT id, type, actor_id, project_id, task_id, comment_id, payload::text AS payload, created_at, read_at
            FROM notifications WHERE user_id = @userId AND email_state = 'pending' AND (read_at IS NULL OR NOT shown)
            ORDER BY id LIMIT @listed;
            """,
            new { userId, listed });
        var (total, maxId) = await read.ReadSingleAsync<(int, long)>();
        var rows = await read.ReadAsync<(long Id, string Type, long? ActorId, long? ProjectId, long? TaskId, long? CommentId, string Payload, DateTime CreatedAt, DateTime? ReadAt)>();
        return new PendingEmails([.. rows.Select(r => new Notification(r.Id, r.Type, r.ActorId, r.ProjectId, r.TaskId, r.CommentId, r.Payload, r.CreatedAt.AsUtc(), r.ReadAt.AsUtc()))], total, maxId);
    }

    /// <summary>The digest's user's lock, taken before the digest is marked (see <see cref="SettleDigestAsync"/>).</summary>
    public static Task LockDigestUserAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long userId) =>
        connection.ExecuteAsync(LockUsers, new { userIds = new[] { userId } }, tx);

    /// <summary>
    /// In the digest's done mark, under its user's lock: the pending notifications up to <paramref name="maxPendingId"/>
    /// are sent (when <paramref name="sent"/>; those read in the app meanwhile are skipped), the user is quiet until
    /// <paramref name="quietUntil"/>, and a notification that committed after the digest read its list opens the next
    /// digest, due then.
    /// </summary>
    public static Task SettleDigestAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long digestId, long userId, long maxPendingId, bool sent, DateTime quietUntil, DateTime now) =>
        connection.ExecuteAsync(
            $"""
            UPDATE notifications SET email_state = CASE WHEN @sent AND (read_at IS NULL OR NOT shown) THEN 'sent' ELSE 'skipped' END
            WHERE user_id = @userId AND email_state = 'pending' AND id <= @maxPendingId;
            UPDATE notification_digests SET quiet_until = @quietUntil WHERE id = @digestId;
            {OpenDigestsFor("SELECT @userId AS user_id WHERE EXISTS (SELECT 1 FROM notifications WHERE user_id = @userId AND email_state = 'pending')")};
            """,
            new { digestId, userId, maxPendingId, sent, quietUntil, now },
            tx);
}
