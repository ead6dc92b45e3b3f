namespace HiveSync.Grains.Platform;

/// <summary>
/// Times are UTC everywhere (timestamptz columns, <see cref="DomainClock"/>), but a <see cref="DateTime"/> read
/// back through Dapper or a grain-state serializer may come with its kind unset: this says it is UTC again.
/// </summary>
public static class UtcTimes
{
    public static DateTimeOffset AsUtc(this DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? AsUtc(this DateTime? value) => value?.AsUtc();
}
