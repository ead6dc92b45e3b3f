using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Limits;

/// <summary>
/// Generic cell rate algorithm: one "theoretical arrival time" per bucket. Each request moves it one
/// emission interval (window / limit) ahead; a request is allowed while that stays within one window of now.
/// State is in memory only: a bucket that loses its silo starts full again, which errs on the client's side
/// for at most one window, and writing every request to PostgreSQL would cost more than the limit protects.
/// </summary>
[CollectionAgeLimit(Minutes = 5)]
public sealed class RateLimitGrain(DomainClock clock) : Grain, IRateLimitGrain
{
    private DateTime _theoreticalArrival = DateTime.MinValue;

    public Task<RateLimitDecision> Acquire(RateLimitPolicy policy) => Task.FromResult(Decide(policy, take: true));

    public Task<RateLimitDecision> Peek(RateLimitPolicy policy) => Task.FromResult(Decide(policy, take: false));

    public Task Release(RateLimitPolicy policy)
    {
        Decide(policy, take: false); // validates the policy
        var interval = TimeSpan.FromSeconds(policy.WindowSeconds) / policy.Limit;
        var now = clock.UtcNow;
        _theoreticalArrival = _theoreticalArrival - interval > now ? _theoreticalArrival - interval : now;
        return Task.CompletedTask;
    }

    private RateLimitDecision Decide(RateLimitPolicy policy, bool take)
    {
        if (policy.Limit < 1 || policy.WindowSeconds < 1)
        {
            throw DomainException.Validation("policy", "Limit and window must be positive.");
        }

        var now = clock.UtcNow;
        var window = TimeSpan.FromSeconds(policy.WindowSeconds);
        var interval = window / policy.Limit;
        var start = _theoreticalArrival > now ? _theoreticalArrival : now;
        var next = start + interval;
        var allowed = next - now <= window;
        if (allowed && take)
        {
            _theoreticalArrival = next;
        }

        var occupied = (allowed && take ? next : start) - now;
        var remaining = (int)Math.Floor((window - occupied) / interval + 1e-9);
        return new RateLimitDecision(
            allowed,
            policy.Limit,
            Math.Clamp(remaining, 0, policy.Limit),
            Seconds(occupied),
            allowed ? 0 : Math.Max(1, Seconds(next - window - now)),
            policy.WindowSeconds,
            policy.Name);
    }

    private static int Seconds(TimeSpan span) => span <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(span.TotalSeconds);
}
