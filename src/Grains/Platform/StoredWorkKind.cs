using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.Extensions.Logging;

namespace HiveSync.Grains.Platform;

/// <summary>
/// One kind of stored work: store first, apply, retry on a reminder (docs/architecture.md, "Stored work"). A domain
/// describes its kind (its table, how to apply one item, the audit entry of an item given up, whether applying twice is
/// harmless, its options and its retry grain); this class owns the rest: the claim before every attempt, doubling
/// delays after a failure, giving up after the maximum attempts, and what an interrupted attempt means. A singleton per
/// kind; its retry grain and the domain's grains call it.
/// </summary>
public abstract class StoredWorkKind(StoredWorkTable table, DomainClock clock, ILogger logger)
{
    /// <summary>What an item is, for logs: "Billing event".</summary>
    public abstract string Name { get; }

    public StoredWorkTable Table => table;

    protected DomainClock Clock => clock;

    protected ILogger Logger => logger;

    /// <summary>Read at every attempt, so changed settings apply without a restart.</summary>
    public abstract StoredWorkOptions Options { get; }

    /// <summary>
    /// Whether applying an item again after an attempt that may have applied it changes nothing. True: an interrupted
    /// attempt (its worker died between applying and marking) is applied again (at least once). False: it is given up
    /// and audited instead, never applied a second time (at most once).
    /// </summary>
    public abstract bool ApplyIsIdempotent { get; }

    /// <summary>
    /// How long a claim holds an item: longer than any one apply may take (grain calls time out after 30 s). An item
    /// whose worker died is due again when its lease ends.
    /// </summary>
    public virtual TimeSpan Lease => TimeSpan.FromMinutes(5);

    protected abstract IStoredWorkRetryGrain RetryGrain { get; }

    /// <summary>Makes sure the retry reminder exists. Call it before storing an item, so a stored item is never left behind.</summary>
    public Task EnsureScheduledAsync() => RetryGrain.EnsureScheduled();

    /// <summary>
    /// Applies a stored item in the caller's turn (right after storing it, or when it is delivered again). False when it is
    /// done already, another attempt holds it, or it could not be claimed. Never throws: the item is stored, so whatever
    /// fails here is left to the retry reminder.
    /// </summary>
    public async Task<bool> ApplyNowAsync(long id)
    {
        StoredWorkClaim? claim;
        try
        {
            var now = clock.UtcNow;
            claim = await table.ClaimAsync(id, now, now + Lease);
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "{Kind} {Id} could not be claimed; the retry reminder will come back to it", Name, id);
            return false;
        }

        if (claim is null)
        {
            return false;
        }

        await AttemptAsync(claim);
        return true;
    }

    /// <summary>The queued form of <see cref="ApplyNowAsync"/>: the retry grain applies what is due, the caller does not wait.</summary>
    public Task QueueAsync() => RetryGrain.ApplyQueued();

    /// <summary>
    /// Attempts up to a batch of due items, oldest first, each at most once per call (one whose retry is due again at
    /// once waits for the next tick). Each is claimed just before its attempt, so its lease covers only its own work.
    /// </summary>
    public async Task<int> RetryDueAsync()
    {
        var batch = Options.RetryBatchSize;
        var attempted = 0;
        var after = 0L;
        while (attempted < batch)
        {
            var now = clock.UtcNow;
            if (await table.ClaimNextDueAsync(now, now + Lease, after) is not { } claim)
            {
                break;
            }

            await AttemptAsync(claim);
            attempted++;
            after = claim.Id;
        }

        return attempted;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: <paramref name="first"/> doubled per attempt, at most <paramref name="max"/>.</summary>
    public static TimeSpan RetryDelay(TimeSpan first, TimeSpan max, int attempt)
    {
        var factor = 1L << Math.Clamp(attempt - 1, 0, 30);
        return first.Ticks > max.Ticks / factor ? max : TimeSpan.FromTicks(first.Ticks * factor); // compared before multiplying: no overflow
    }

    /// <summary>
    /// Applies the claimed item and marks it done (<see cref="StoredWorkTable.MarkDoneAsync"/>, in the same transaction as
    /// its effect where the effect is in PostgreSQL). Throw only when the item was not applied: a throw is retried.
    /// <paramref name="cancellationToken"/> is cancelled when the lease ends.
    /// </summary>
    protected abstract Task ApplyAsync(StoredWorkClaim claim, CancellationToken cancellationToken);

    /// <summary>The audit entry written with the mark of an item given up; <paramref name="failure"/> is null when it was not attempted this time.</summary>
    protected abstract AuditEntry GivenUpAudit(StoredWorkClaim claim, Exception? failure);

    /// <summary>The usual entry of an item given up: no actor, the item as its subject, its attempts and <paramref name="error"/>.</summary>
    protected static AuditEntry GivenUp(string action, string subjectType, StoredWorkClaim claim, string? error) =>
        new(action, null, null, subjectType, claim.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), new { attempts = claim.Attempt, error });

    private async Task AttemptAsync(StoredWorkClaim claim)
    {
        var o = Options;
        if (claim.Interrupted && !ApplyIsIdempotent)
        {
            await GiveUpAsync(claim, null, "an earlier attempt was interrupted before its outcome was stored, so it may have been applied");
            return;
        }

        if (claim.Attempt > o.MaxAttempts)
        {
            await GiveUpAsync(claim, null, "its attempts were used up by interrupted attempts");
            return;
        }

        if (claim.Interrupted)
        {
            logger.LogWarning("{Kind} {Id}: an earlier attempt was interrupted; applying it again (attempt {Attempt})", Name, claim.Id, claim.Attempt);
        }

        try
        {
            using var lease = new CancellationTokenSource(Lease);
            await ApplyAsync(claim, lease.Token);
        }
        catch (StoredWorkOutcomeUnknownException unknown) when (!ApplyIsIdempotent)
        {
            await GiveUpAsync(claim, unknown, "it may have been applied: " + unknown.Message);
        }
        catch (StoredWorkRefusedException refused)
        {
            await GiveUpAsync(claim, refused, "it was refused for good: " + refused.Message);
        }
        catch (Exception error)
        {
            await RecordFailureAsync(claim, error, o);
        }
    }

    private async Task RecordFailureAsync(StoredWorkClaim claim, Exception error, StoredWorkOptions o)
    {
        if (claim.Attempt >= o.MaxAttempts)
        {
            await GiveUpAsync(claim, error, $"it failed {claim.Attempt} times");
            return;
        }

        try
        {
            var delay = RetryDelay(o.RetryDelay, o.RetryMaxDelay, claim.Attempt);
            if (await table.RetryAtAsync(claim, clock.UtcNow + delay, Describe(error)))
            {
                logger.LogWarning(error, "{Kind} {Id} failed (attempt {Attempt}); retrying after {Delay}", Name, claim.Id, claim.Attempt, delay);
            }
        }
        catch (Exception bookkeeping)
        {
            // The claim stays: the item is due again when its lease ends, as if its worker had died.
            logger.LogError(bookkeeping, "{Kind} {Id} failed and its failure could not be recorded", Name, claim.Id);
        }
    }

    private async Task GiveUpAsync(StoredWorkClaim claim, Exception? error, string reason)
    {
        try
        {
            if (await table.GiveUpAsync(claim, clock.UtcNow, error is null ? null : Describe(error), GivenUpAudit(claim, error)))
            {
                logger.LogError(error, "{Kind} {Id} is given up after {Attempts} attempts: {Reason}; it stays in {Table} for an admin", Name, claim.Id, claim.Attempt, reason, table.Name);
            }
        }
        catch (Exception bookkeeping)
        {
            // The claim stays: the item is due again when its lease ends and is given up then.
            logger.LogError(bookkeeping, "{Kind} {Id} is to be given up ({Reason}) but could not be marked", Name, claim.Id, reason);
        }
    }

    private static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message}";
}

/// <summary>
/// Thrown by an apply that cannot tell whether its effect happened (the connection broke after the request went out,
/// before the answer). A kind whose apply is not idempotent gives the item up, as after an interrupted attempt, rather
/// than risk applying it twice; an idempotent kind retries it like any failure.
/// </summary>
public sealed class StoredWorkOutcomeUnknownException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Thrown by an apply whose item the other side refused for good (an SMTP server that rejects the recipient with a
/// 5xx): retrying cannot succeed, so the item is given up at once and audited.
/// </summary>
public sealed class StoredWorkRefusedException(string message, Exception inner) : Exception(message, inner);
