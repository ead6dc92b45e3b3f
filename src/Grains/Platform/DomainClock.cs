namespace HiveSync.Grains.Platform;

/// <summary>
/// The time the domain rules see (session expiry, token lifetimes). Kept apart from the
/// <see cref="TimeProvider"/> in DI because the Orleans runtime resolves that one for itself:
/// tests move domain time forward without moving the runtime's clock.
/// </summary>
public sealed class DomainClock(TimeProvider time)
{
    public static DomainClock System { get; } = new(TimeProvider.System);

    /// <summary>Now in UTC, rounded to microseconds like PostgreSQL stores it, so cached and reloaded times agree.</summary>
    public DateTime UtcNow => new(time.GetUtcNow().UtcTicks / 10 * 10, DateTimeKind.Utc);
}
