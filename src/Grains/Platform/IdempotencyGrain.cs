using HiveSync.Grains.Interfaces.Platform;
using Orleans.Concurrency;

namespace HiveSync.Grains.Platform;

/// <summary>Claims and answers of <c>Idempotency-Key</c>; the key's row in PostgreSQL is the lock, so this holds no state.</summary>
[StatelessWorker]
[Reentrant]
public sealed class IdempotencyGrain(IdempotencyStore store, DomainClock clock) : Grain, IIdempotencyGrain
{
    public Task<IdempotencyClaim> Claim(long userId, string key, byte[] requestHash) => store.ClaimAsync(userId, key, requestHash, clock.UtcNow);

    public Task Complete(long userId, string key, StoredAnswer answer) => store.CompleteAsync(userId, key, answer);

    public Task Release(long userId, string key) => store.ReleaseAsync(userId, key);
}
