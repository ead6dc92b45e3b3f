using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Limits;

/// <summary>
/// Generic cell rate algorithm: one "theoretical arrival time" per bucket. Each request moves it one emission
/// interval (window / limit) ahead; a request is allowed while that stays within one window of now. Held by the
/// grain that owns the bucket (a rate-limit grain, or the user's grain for their own buckets), so it is exact.
/// </summary>
public sealed class GcraBucket
{
    private DateTime _theoreticalArrival = DateTime.MinValue;

    public RateLimitDecision Decide(RateLimitPolicy policy, DateTime now, bool take)
    {
        if (policy.Limit < 1 || policy.WindowSeconds < 1)
        {
            throw DomainException.Validation("policy", "Limit and window must be positive.");
        }

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

    /// <summary>Gives back one request taken earlier.</summary>
    public void Release(RateLimitPolicy policy, DateTime now)
    {
        Decide(policy, now, take: false); // validates the policy
        var interval = TimeSpan.FromSeconds(policy.WindowSeconds) / policy.Limit;
        _theoreticalArrival = _theoreticalArrival - interval > now ? _theoreticalArrival - interval : now;
    }

    private static int Seconds(TimeSpan span) => span <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(span.TotalSeconds);
}
