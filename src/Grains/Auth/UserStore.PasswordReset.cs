using Dapper;
using HiveSync.Grains.Email;

namespace HiveSync.Grains.Auth;

/// <summary>Password resets: the links (<c>password_resets</c>), and the new password with every session revoked.</summary>
public sealed partial class UserStore
{
    /// <summary>Stores a new reset link for <paramref name="userId"/> (earlier unused ones stop working) and its message, in one transaction.</summary>
    public async Task AddPasswordResetAsync(long userId, EmailLinkDraft draft, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            DELETE FROM password_resets WHERE user_id = @userId AND used_at IS NULL;
            INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (@TokenHash, @userId, @now, @ExpiresAt);
            """,
            new { userId, draft.TokenHash, draft.ExpiresAt, now },
            tx);
        await EmailOutbox.AddAsync(connection, tx, draft.Email, now);
        await tx.CommitAsync();
    }

    public async Task<long?> FindPasswordResetOwnerAsync(byte[] tokenHash)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT user_id FROM password_resets WHERE token_hash = @tokenHash", new { tokenHash });
    }

    /// <summary>
    /// Uses the link, sets the password, revokes every session (and deletes their refresh tokens) and every other
    /// link, in one transaction. False, and nothing changes, when the link is used, expired or not this user's.
    /// </summary>
    public async Task<bool> ResetPasswordAsync(long userId, byte[] tokenHash, string passwordHash, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var used = await connection.ExecuteAsync(
            "UPDATE password_resets SET used_at = @now WHERE token_hash = @tokenHash AND user_id = @userId AND used_at IS NULL AND expires_at > @now",
            new { userId, tokenHash, now },
            tx);
        if (used != 1)
        {
            return false;
        }

        await connection.ExecuteAsync(
            """
            UPDATE users SET password_hash = @passwordHash, updated_at = @now WHERE id = @userId;
            UPDATE device_sessions SET revoked_at = @now, revoke_reason = 'password_reset' WHERE user_id = @userId AND revoked_at IS NULL;
            DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM device_sessions WHERE user_id = @userId);
            DELETE FROM password_resets WHERE user_id = @userId AND used_at IS NULL;
            """,
            new { userId, passwordHash, now },
            tx);
        await tx.CommitAsync();
        return true;
    }
}
