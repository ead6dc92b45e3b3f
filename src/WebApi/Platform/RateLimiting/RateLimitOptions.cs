namespace HiveSync.WebApi.Platform.RateLimiting;

/// <summary>
/// Section <c>RateLimits</c>: what callers who are not signed in may do, per client IP and route group
/// (signed-in callers get their tier's <c>Tiers:*:RequestsPerMinute</c>).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests per minute per client IP and route group; <c>default</c> covers groups not named.</summary>
    /// <remarks>
    /// The billing webhook comes from LemonSqueezy's few addresses, in bursts on a busy day, and signed storage URLs from
    /// whole offices behind one address (a task page of attachments): both get more.
    /// </remarks>
    public Dictionary<string, int> AnonymousPerMinute { get; set; } = new() { ["default"] = 60, ["billing_webhook"] = 600, ["storage"] = 600 };

    public int AnonymousPerMinuteFor(string group) =>
        AnonymousPerMinute.TryGetValue(group, out var limit) ? limit
        : AnonymousPerMinute.TryGetValue("default", out var fallback) ? fallback
        : 60;

    public bool IsValid() => AnonymousPerMinute.Values.All(v => v > 0);
}
