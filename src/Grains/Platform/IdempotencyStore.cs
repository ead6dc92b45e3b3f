using Dapper;
using HiveSync.Grains.Interfaces.Platform;
using Npgsql;

namespace HiveSync.Grains.Platform;

/// <summary>SQL for <c>idempotency_keys</c>.</summary>
public sealed class IdempotencyStore(NpgsqlDataSource db)
{
    /// <summary>How long a key is remembered.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>How long a first request may run before its key is taken as abandoned (its silo died).</summary>
    public static readonly TimeSpan RunningLease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Claims the key, or says why not, in one transaction: the user's expired keys are dropped first, an abandoned
    /// claim (running past its lease) is taken over.
    /// </summary>
    public async Task<IdempotencyClaim> ClaimAsync(long userId, string key, byte[] requestHash, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "DELETE FROM idempotency_keys WHERE user_id = @userId AND (created_at < @expired OR (status IS NULL AND created_at < @abandoned))",
            new { userId, expired = now - Retention, abandoned = now - RunningLease },
            tx);
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES (@userId, @key, @requestHash, @now) ON CONFLICT DO NOTHING",
            new { userId, key, requestHash, now },
            tx);
        IdempotencyClaim claim;
        if (inserted == 1)
        {
            claim = new IdempotencyClaim(IdempotencyOutcome.Proceed);
        }
        else
        {
            var row = await connection.QuerySingleAsync<(byte[] RequestHash, int? Status, string? Location, string? Body)>(
                "SELECT request_hash, status, location, body FROM idempotency_keys WHERE user_id = @userId AND key = @key FOR UPDATE", new { userId, key }, tx);
            claim = !row.RequestHash.AsSpan().SequenceEqual(requestHash) ? new IdempotencyClaim(IdempotencyOutcome.Mismatch)
                : row.Status is not { } status ? new IdempotencyClaim(IdempotencyOutcome.InFlight)
                : new IdempotencyClaim(IdempotencyOutcome.Replay, new StoredAnswer(status, row.Location, row.Body ?? ""));
        }

        await tx.CommitAsync();
        return claim;
    }

    public async Task CompleteAsync(long userId, string key, StoredAnswer answer)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE idempotency_keys SET status = @Status, location = @Location, body = @Body WHERE user_id = @userId AND key = @key AND status IS NULL",
            new { userId, key, answer.Status, answer.Location, answer.Body });
    }

    public async Task ReleaseAsync(long userId, string key)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("DELETE FROM idempotency_keys WHERE user_id = @userId AND key = @key AND status IS NULL", new { userId, key });
    }
}
