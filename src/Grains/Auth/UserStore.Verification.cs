using Dapper;
using HiveSync.Grains.Email;
using Npgsql;

namespace HiveSync.Grains.Auth;

/// <summary>A link about to be emailed (verification, password reset): its token's hash, its end, and the message that carries it.</summary>
public sealed record EmailLinkDraft(byte[] TokenHash, DateTime ExpiresAt, OutgoingEmail Email);

/// <summary>Email verification: the links (<c>email_verifications</c>) and the flag they set on the user's row.</summary>
public sealed partial class UserStore
{
    /// <summary>
    /// Inserts the account and its first verification link, and stores the message, in one transaction; null when the
    /// email is registered already (then nothing is written, no message either).
    /// </summary>
    public async Task<long?> InsertUserAsync(string email, string passwordHash, string? displayName, EmailLinkDraft verification, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var id = await connection.ExecuteScalarAsync<long?>(
            "INSERT INTO users (email, password_hash, display_name) VALUES (@email, @passwordHash, @displayName) ON CONFLICT (email) DO NOTHING RETURNING id",
            new { email, passwordHash, displayName },
            tx);
        if (id is not { } userId)
        {
            return null;
        }

        await AddVerificationAsync(connection, tx, userId, email, verification, now);
        await tx.CommitAsync();
        return userId;
    }

    /// <summary>A new link for <paramref name="userId"/>; the links sent before stop working.</summary>
    public async Task ReplaceVerificationAsync(long userId, string email, EmailLinkDraft draft, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await AddVerificationAsync(connection, tx, userId, email, draft, now);
        await tx.CommitAsync();
    }

    /// <summary>Whose link this is, used or not; null for a token nobody was sent.</summary>
    public async Task<long?> FindVerificationOwnerAsync(byte[] tokenHash)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT user_id FROM email_verifications WHERE token_hash = @tokenHash", new { tokenHash });
    }

    /// <summary>
    /// Uses the link and marks the address verified, in one statement: only an unused, unexpired link of this user,
    /// sent to the address the account still has. <paramref name="alsoInTransaction"/> runs with it (what other domains
    /// do when an address is verified). False otherwise, and nothing changes.
    /// </summary>
    public async Task<bool> ConfirmEmailAsync(long userId, byte[] tokenHash, DateTime now, Func<NpgsqlConnection, NpgsqlTransaction, Task> alsoInTransaction)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var verified = await connection.ExecuteScalarAsync<long?>(
            """
            WITH used AS (
                UPDATE email_verifications v SET used_at = @now
                WHERE v.token_hash = @tokenHash AND v.user_id = @userId AND v.used_at IS NULL AND v.expires_at > @now
                  AND v.email = (SELECT email FROM users WHERE id = @userId)
                RETURNING v.user_id
            )
            UPDATE users SET email_verified = true, updated_at = @now WHERE id IN (SELECT user_id FROM used) RETURNING id
            """,
            new { userId, tokenHash, now },
            tx) is not null;
        if (!verified)
        {
            return false;
        }

        await alsoInTransaction(connection, tx);
        await tx.CommitAsync();
        return true;
    }

    private static async Task AddVerificationAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long userId, string email, EmailLinkDraft draft, DateTime now)
    {
        await connection.ExecuteAsync(
            """
            DELETE FROM email_verifications WHERE user_id = @userId AND used_at IS NULL;
            INSERT INTO email_verifications (token_hash, user_id, email, created_at, expires_at) VALUES (@TokenHash, @userId, @email, @now, @ExpiresAt);
            """,
            new { userId, email, draft.TokenHash, draft.ExpiresAt, now },
            tx);
        await EmailOutbox.AddAsync(connection, tx, draft.Email, now);
    }
}
