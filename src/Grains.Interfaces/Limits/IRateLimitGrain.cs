namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>
/// One rate-limit bucket (GCRA): a route group and a subject (client IP or user), or a guarded account.
/// Keyed <c>rl-{bucket}-{subject}</c>; one activation in the cluster, so the count is exact across silos.
/// </summary>
public interface IRateLimitGrain : IGrainWithStringKey
{
    /// <summary>Takes one request from the bucket when the policy allows it.</summary>
    Task<RateLimitDecision> Acquire(RateLimitPolicy policy);

    /// <summary>Whether one more request would be allowed, without taking it.</summary>
    Task<RateLimitDecision> Peek(RateLimitPolicy policy);

    /// <summary>Gives back one request taken by <see cref="Acquire"/> (e.g. a sign-in that turned out to succeed).</summary>
    Task Release(RateLimitPolicy policy);
}

/// <summary><paramref name="Limit"/> requests per <paramref name="WindowSeconds"/>, spread evenly (bursts up to the limit).</summary>
[GenerateSerializer, Immutable]
public sealed record RateLimitPolicy(string Name, int Limit, int WindowSeconds)
{
    /// <summary>The window of every per-minute limit (route groups' requests per minute).</summary>
    public const int MinuteSeconds = 60;
}

/// <param name="ResetSeconds">Seconds until the bucket is full again.</param>
/// <param name="RetryAfterSeconds">When refused, seconds until one request would be allowed; else 0.</param>
[GenerateSerializer, Immutable]
public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds, int RetryAfterSeconds, int WindowSeconds, string Name);

public static class RateLimitKeys
{
    public static string Bucket(string bucket, string subject) => $"rl-{bucket}-{subject}";
}

public static class RateLimitErrors
{
    /// <summary>429 <c>RATE_LIMITED</c> for a refused decision, with <c>Retry-After</c>.</summary>
    public static Platform.DomainException Refused(this RateLimitDecision decision, string message) =>
        new(Platform.ErrorCodes.RateLimited, message, new { limit = decision.Limit, window_seconds = decision.WindowSeconds, retry_after_seconds = decision.RetryAfterSeconds, policy = decision.Name })
        {
            RetryAfterSeconds = decision.RetryAfterSeconds,
        };
}
