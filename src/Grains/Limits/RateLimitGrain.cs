using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Limits;

/// <summary>
/// One <see cref="GcraBucket"/> per grain (a client IP's bucket of a route group, or a guarded account).
/// State is in memory only: a bucket that loses its silo starts full again, which errs on the client's side
/// for at most one window, and writing every request to PostgreSQL would cost more than the limit protects.
/// </summary>
[CollectionAgeLimit(Minutes = 5)]
public sealed class RateLimitGrain(DomainClock clock) : Grain, IRateLimitGrain
{
    private readonly GcraBucket _bucket = new();

    public Task<RateLimitDecision> Acquire(RateLimitPolicy policy) => Task.FromResult(_bucket.Decide(policy, clock.UtcNow, take: true));

    public Task<RateLimitDecision> Peek(RateLimitPolicy policy) => Task.FromResult(_bucket.Decide(policy, clock.UtcNow, take: false));

    public Task Release(RateLimitPolicy policy)
    {
        _bucket.Release(policy, clock.UtcNow);
        return Task.CompletedTask;
    }
}
