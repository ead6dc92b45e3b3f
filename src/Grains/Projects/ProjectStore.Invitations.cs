using Dapper;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Platform;
using Npgsql;

namespace HiveSync.Grains.Projects;

public sealed record InvitationRow(
    long Id,
    long ProjectId,
    string Email,
    string Role,
    long InvitedBy,
    DateTime CreatedAt,
    DateTime SentAt,
    DateTime ExpiresAt,
    long? AcceptedBy,
    DateTime? ProcessedAt,
    string? Outcome)
{
    public string StatusAt(DateTime now) =>
        Outcome == StoredWorkTable.FailedOutcome ? InvitationStatuses.Failed
        : AcceptedBy is not null ? InvitationStatuses.Accepting
        : ExpiresAt <= now ? InvitationStatuses.Expired
        : InvitationStatuses.Pending;

    public ProjectInvitation ToInvitation(DateTime now) =>
        new(Id, Email, Role, StatusAt(now), InvitedBy, CreatedAt.AsUtc(), SentAt.AsUtc(), ExpiresAt.AsUtc());
}

/// <summary>Invitations of addresses (docs/architecture.md, "Invitations"): written by the project's grain.</summary>
public sealed partial class ProjectStore
{
    /// <summary>The stored-work table of invitations taken up by a verified address.</summary>
    public const string InvitationsTable = "project_invitations";

    private const string InvitationColumns = "id, project_id, email, role, invited_by, created_at, sent_at, expires_at, accepted_by, processed_at, outcome";

    /// <summary>What the team's admins see: open invitations, and those given up.</summary>
    public async Task<List<InvitationRow>> ListInvitationsAsync(long projectId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<InvitationRow>(
            $"SELECT {InvitationColumns} FROM project_invitations WHERE project_id = @projectId AND (processed_at IS NULL OR outcome = 'failed') ORDER BY id",
            new { projectId })).AsList();
    }

    public async Task<InvitationRow?> FindInvitationAsync(long projectId, long id)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<InvitationRow>(
            $"SELECT {InvitationColumns} FROM project_invitations WHERE project_id = @projectId AND id = @id",
            new { projectId, id });
    }

    /// <summary>The project an invitation belongs to; null when it is gone (revoked, or its project deleted).</summary>
    public async Task<long?> FindInvitationProjectAsync(long id)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT project_id FROM project_invitations WHERE id = @id", new { id });
    }

    /// <summary>The address's open invitation to the project, expired or not; null when there is none.</summary>
    public async Task<InvitationRow?> FindOpenInvitationAsync(long projectId, string email)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<InvitationRow>(
            $"SELECT {InvitationColumns} FROM project_invitations WHERE project_id = @projectId AND email = @email AND processed_at IS NULL",
            new { projectId, email });
    }

    /// <summary>The invitations that hold a seat in the team: open and unexpired, or already taken up.</summary>
    public async Task<int> CountSeatedInvitationsAsync(long projectId, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM project_invitations WHERE project_id = @projectId AND processed_at IS NULL AND (accepted_by IS NOT NULL OR expires_at > @now)",
            new { projectId, now });
    }

    public static Task<InvitationRow> AddInvitationAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, string email, string role, long invitedBy, DateTime now, DateTime expiresAt) =>
        connection.QuerySingleAsync<InvitationRow>(
            $"""
            INSERT INTO project_invitations (project_id, email, role, invited_by, created_at, sent_at, expires_at)
            VALUES (@projectId, @email, @role, @invitedBy, @now, @now, @expiresAt)
            RETURNING {InvitationColumns}
            """,
            new { projectId, email, role, invitedBy, now, expiresAt },
            tx);

    /// <summary>Sends an invitation nobody has taken up again, until <paramref name="expiresAt"/>; null when it is taken up or gone.</summary>
    public static Task<InvitationRow?> RenewInvitationAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, long id, DateTime now, DateTime expiresAt) =>
        connection.QuerySingleOrDefaultAsync<InvitationRow?>(
            $"""
            UPDATE project_invitations SET sent_at = @now, expires_at = @expiresAt
            WHERE project_id = @projectId AND id = @id AND processed_at IS NULL AND accepted_by IS NULL
            RETURNING {InvitationColumns}
            """,
            new { projectId, id, now, expiresAt },
            tx);

    public static async Task<bool> RemoveInvitationAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, long id) =>
        await connection.ExecuteAsync("DELETE FROM project_invitations WHERE project_id = @projectId AND id = @id", new { projectId, id }, tx) == 1;

    /// <summary>Takes up one open invitation for an account verified already; null when it is taken up or gone.</summary>
    public static Task<InvitationRow?> TakeUpInvitationAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, long id, long userId, DateTime now) =>
        connection.QuerySingleOrDefaultAsync<InvitationRow?>(
            $"""
            UPDATE project_invitations SET accepted_by = @userId, next_attempt_at = @now
            WHERE project_id = @projectId AND id = @id AND processed_at IS NULL AND accepted_by IS NULL
            RETURNING {InvitationColumns}
            """,
            new { projectId, id, userId, now },
            tx);

    /// <summary>
    /// In the transaction that verifies <paramref name="email"/> for <paramref name="userId"/>: takes up the address's
    /// unexpired invitations and makes them due at once. Returns their ids.
    /// </summary>
    public static async Task<List<long>> TakeUpInvitationsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string email, long userId, DateTime now) =>
        (await connection.QueryAsync<long>(
            """
            UPDATE project_invitations SET accepted_by = @userId, next_attempt_at = @now
            WHERE email = @email AND processed_at IS NULL AND accepted_by IS NULL AND expires_at > @now
            RETURNING id
            """,
            new { email, userId, now },
            tx)).AsList();
}
