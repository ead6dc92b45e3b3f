using Dapper;
using HiveSync.Grains.Audit;
using Npgsql;

namespace HiveSync.Grains.Platform;

/// <summary>
/// One attempt's hold on an item: <see cref="Attempt"/> is the item's attempt count after the claim, and fences every
/// later mark (a worker whose lease ran out and was claimed over cannot mark the item). <see cref="Interrupted"/>: an
/// earlier attempt was claimed and never finished nor failed (its worker died or stalled past its lease).
/// </summary>
public sealed record StoredWorkClaim(long Id, int Attempt, bool Interrupted);

/// <summary>
/// The statements of the stored-work piece on a kind's table, written once so that the claim and its fence hold for
/// every kind. The kind's store owns the table (its migration, its inserts, its payload) and hands its name here. The
/// table has the standard columns: <c>id bigint</c> key, <c>attempts integer NOT NULL DEFAULT 0</c>,
/// <c>next_attempt_at timestamptz NOT NULL</c>, <c>claimed_until timestamptz NULL</c>, <c>processed_at timestamptz
/// NULL</c> (set: done or given up), <c>outcome text NULL</c> (allowing <see cref="FailedOutcome"/>),
/// <c>last_error text NULL</c>, and an index on <c>next_attempt_at</c> where <c>processed_at IS NULL</c>.
/// </summary>
public sealed class StoredWorkTable
{
    /// <summary>The outcome of an item given up.</summary>
    public const string FailedOutcome = "failed";

    private const int MaxErrorLength = 500;

    private readonly NpgsqlDataSource _db;
    private readonly string _claimNextDue;
    private readonly string _claim;
    private readonly string _retryAt;
    private readonly string _giveUp;
    private readonly string _markDone;

    public StoredWorkTable(NpgsqlDataSource db, string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException("A plain lower-case table name.", nameof(name));
        }

        _db = db;
        Name = name;

        // A claim moves next_attempt_at to the lease's end, so a claimed item is not due for anyone else until then,
        // and an item whose worker died is due again when its lease ends. SKIP LOCKED: two claimers never wait on
        // each other nor take the same row.
        const string Claim = "SET attempts = w.attempts + 1, claimed_until = @leaseUntil, next_attempt_at = @leaseUntil";
        const string Claimed = "RETURNING w.id AS Id, w.attempts AS Attempt, c.claimed_until IS NOT NULL AS Interrupted";
        _claimNextDue = $"""
            UPDATE {name} AS w {Claim}
            FROM (SELECT id, claimed_until FROM {name}
                  WHERE processed_at IS NULL AND next_attempt_at <= @now AND id > @after
                  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) AS c
            WHERE w.id = c.id
            {Claimed}
            """;
        _claim = $"""
            UPDATE {name} AS w {Claim}
            FROM (SELECT id, claimed_until FROM {name}
                  WHERE id = @id AND processed_at IS NULL AND (claimed_until IS NULL OR claimed_until <= @now)
                  FOR UPDATE SKIP LOCKED) AS c
            WHERE w.id = c.id
            {Claimed}
            """;

        // Every mark holds only for the attempt that claimed the item and only while it is not done.
        const string Held = "WHERE id = @Id AND attempts = @Attempt AND processed_at IS NULL";
        _retryAt = $"UPDATE {name} SET next_attempt_at = @nextAttemptAt, claimed_until = NULL, last_error = @error {Held}";
        _giveUp = $"UPDATE {name} SET processed_at = @now, outcome = '{FailedOutcome}', claimed_until = NULL, last_error = COALESCE(@error, last_error) {Held}";
        _markDone = $"UPDATE {name} SET processed_at = @now, outcome = @outcome, claimed_until = NULL {Held}";
    }

    public string Name { get; }

    /// <summary>Claims the oldest item due at <paramref name="now"/> with an id above <paramref name="after"/>; null when none is.</summary>
    public async Task<StoredWorkClaim?> ClaimNextDueAsync(DateTime now, DateTime leaseUntil, long after)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<StoredWorkClaim>(_claimNextDue, new { now, leaseUntil, after });
    }

    /// <summary>
    /// Claims one item whether or not its next attempt is due (it was just stored, or delivered again); null when it is
    /// done or another attempt holds it.
    /// </summary>
    public async Task<StoredWorkClaim?> ClaimAsync(long id, DateTime now, DateTime leaseUntil)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<StoredWorkClaim>(_claim, new { id, now, leaseUntil });
    }

    /// <summary>Releases a failed attempt's claim with when the next is due. False: the claim was lost (done, or claimed over).</summary>
    public async Task<bool> RetryAtAsync(StoredWorkClaim claim, DateTime nextAttemptAt, string error)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteAsync(_retryAt, new { claim.Id, claim.Attempt, nextAttemptAt, error = Truncated(error) }) == 1;
    }

    /// <summary>
    /// Marks the item given up (<see cref="FailedOutcome"/>; the row stays for an admin) with its audit entry in the same
    /// transaction, so it is audited exactly when it is marked. False: the claim was lost.
    /// </summary>
    public async Task<bool> GiveUpAsync(StoredWorkClaim claim, DateTime now, string? error, AuditEntry audit)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (await connection.ExecuteAsync(_giveUp, new { claim.Id, claim.Attempt, now, error = error is null ? null : Truncated(error) }, tx) != 1)
        {
            return false;
        }

        await AuditLog.WriteAsync(audit, connection, tx);
        await tx.CommitAsync();
        return true;
    }

    /// <summary>
    /// Marks the item done with <paramref name="outcome"/>; <paramref name="alsoInTransaction"/> (the kind's own columns,
    /// an audit entry, or the effect itself) runs in the same transaction, only for the attempt that wins. False: the
    /// claim was lost and nothing was written. <paramref name="lockFirst"/> runs before the mark, for a kind whose effect
    /// takes locks that its own inserts take before touching its table (so the two never wait on each other in turn).
    /// </summary>
    public async Task<bool> MarkDoneAsync(
        StoredWorkClaim claim,
        DateTime now,
        string outcome,
        Func<NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null,
        Func<NpgsqlConnection, NpgsqlTransaction, Task>? lockFirst = null)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (lockFirst is not null)
        {
            await lockFirst(connection, tx);
        }

        if (await connection.ExecuteAsync(_markDone, new { claim.Id, claim.Attempt, now, outcome }, tx) != 1)
        {
            return false;
        }

        if (alsoInTransaction is not null)
        {
            await alsoInTransaction(connection, tx);
        }

        await tx.CommitAsync();
        return true;
    }

    private static string Truncated(string error) => error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
}
