using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Limits;

/// <summary>
/// One user's quota of one kind. Single-threaded, so check-and-consume is atomic; every change is written to
/// grain storage before it is answered, and the ETag-checked write refuses a stale activation, so what was
/// acknowledged is exact and survives a silo dying. State holds only the current period's granted reservations
/// (at most the limit, itself at most <see cref="QuotaRequest.MaxLimit"/>): the count is their sum, so it cannot drift.
/// </summary>
public sealed class UsageQuotaGrain(
    [PersistentState("usage-quota", StorageProviders.Default)] IPersistentState<UsageQuotaState> quota,
    DomainClock clock) : Grain, IUsageQuotaGrain
{
    private QuotaKind? _kind;

    public async Task<QuotaDecision> TryConsume(QuotaRequest request)
    {
        var kind = Kind();
        if (request is null)
        {
            throw DomainException.Validation("request", "Required.");
        }

        RequireReservationId(request.ReservationId);
        RequireLimit(request.Limit);
        if (request.Amount < 1)
        {
            throw DomainException.Validation("amount", "Must be at least 1.");
        }

        var (start, resetsAt) = CurrentPeriod(kind);
        var reservations = ReservationsOf(start);
        var used = reservations.Values.Sum(a => (long)a);
        if (reservations.TryGetValue(request.ReservationId, out var granted))
        {
            if (granted != request.Amount)
            {
                throw new DomainException(ErrorCodes.Conflict, $"Reservation {request.ReservationId} was granted for {granted}, not {request.Amount}.");
            }

            return new QuotaDecision(true, true, request.ReservationId, granted, used, request.Limit, resetsAt);
        }

        if (used + request.Amount > request.Limit)
        {
            return new QuotaDecision(false, false, request.ReservationId, request.Amount, used, request.Limit, resetsAt);
        }

        await SaveAsync(start, new Dictionary<Guid, int>(reservations) { [request.ReservationId] = request.Amount });
        return new QuotaDecision(true, false, request.ReservationId, request.Amount, used + request.Amount, request.Limit, resetsAt);
    }

    public async Task<bool> Release(Guid reservationId)
    {
        var kind = Kind();
        RequireReservationId(reservationId);
        var (start, _) = CurrentPeriod(kind);
        var reservations = ReservationsOf(start);
        if (!reservations.ContainsKey(reservationId))
        {
            return false;
        }

        var remaining = new Dictionary<Guid, int>(reservations);
        remaining.Remove(reservationId);
        await SaveAsync(start, remaining);
        return true;
    }

    public Task<QuotaUsage> GetUsage(long limit)
    {
        var kind = Kind();
        RequireLimit(limit);
        var (start, resetsAt) = CurrentPeriod(kind);
        var used = ReservationsOf(start).Values.Sum(a => (long)a);
        return Task.FromResult(new QuotaUsage(kind.Name, used, limit, new DateTimeOffset(start), resetsAt));
    }

    /// <summary>
    /// The period now falls in. A clock set back across a period start keeps the stored (later) period rather than
    /// reopening one whose use was already counted.
    /// </summary>
    private (DateTime Start, DateTimeOffset ResetsAt) CurrentPeriod(QuotaKind kind)
    {
        var start = kind.Period.StartOf(clock.UtcNow);
        if (quota.State.PeriodStart > start)
        {
            start = DateTime.SpecifyKind(quota.State.PeriodStart, DateTimeKind.Utc);
        }

        return (start, new DateTimeOffset(kind.Period.NextStart(start)));
    }

    /// <summary>The granted reservations of the period starting at <paramref name="start"/>; an earlier period's count as none.</summary>
    private Dictionary<Guid, int> ReservationsOf(DateTime start) =>
        quota.State.PeriodStart == start ? quota.State.Reservations : [];

    /// <summary>Writes the new state; a failed write leaves memory as storage had it (the grain write rule).</summary>
    private Task SaveAsync(DateTime start, Dictionary<Guid, int> reservations) =>
        quota.WriteOrRestoreAsync(new UsageQuotaState { PeriodStart = start, Reservations = reservations }, this);

    private QuotaKind Kind()
    {
        if (_kind is not null)
        {
            return _kind;
        }

        var key = this.GetPrimaryKeyString();
        if (!QuotaKind.TryParseKey(key, out _, out var name))
        {
            throw DomainException.Validation("key", $"A usage-quota key is {QuotaKind.KeyPrefix}<user id>-<kind>.");
        }

        if (name.Length == 0)
        {
            throw DomainException.Validation("kind", "Required.");
        }

        return _kind = QuotaKind.Find(name)
            ?? throw DomainException.Validation("kind", $"Unknown quota kind; known: {string.Join(", ", QuotaKind.All.Select(k => k.Name))}.");
    }

    private static void RequireReservationId(Guid reservationId)
    {
        if (reservationId == Guid.Empty)
        {
            throw DomainException.Validation("reservation_id", "Required (a non-empty id chosen by the caller).");
        }
    }

    private static void RequireLimit(long limit)
    {
        if (limit is < 0 or > QuotaRequest.MaxLimit)
        {
            throw DomainException.Validation("limit", $"Must be between 0 and {QuotaRequest.MaxLimit}.");
        }
    }
}
