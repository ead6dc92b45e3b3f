namespace HiveSync.Grains.Interfaces.Platform;

/// <summary>
/// How one kind of stored work is retried (docs/architecture.md, "Stored work"): a failed attempt waits
/// <see cref="RetryDelay"/>, doubling per attempt up to <see cref="RetryMaxDelay"/>; after <see cref="MaxAttempts"/>
/// the item is given up. The kind's retry reminder looks every <see cref="RetryPeriod"/> and takes at most
/// <see cref="RetryBatchSize"/> items per tick. A kind binds these from its own settings and validates them at
/// start-up with <see cref="Problems"/>.
/// </summary>
public sealed class StoredWorkOptions
{
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    public int MaxAttempts { get; set; } = 50;

    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    public int RetryBatchSize { get; set; } = 100;

    /// <summary>Start-up validation; each problem names its setting as <paramref name="settings"/> spells it.</summary>
    public static IEnumerable<string> Problems(StoredWorkOptions o, StoredWorkSettings settings)
    {
        if (o.RetryDelay < TimeSpan.Zero || o.RetryMaxDelay < o.RetryDelay || o.RetryMaxDelay > TimeSpan.FromDays(1))
        {
            yield return $"{settings.RetryDelay} must be 0 or more and {settings.RetryMaxDelay} from it to 1 day.";
        }

        if (o.MaxAttempts is < 1 or > 1000)
        {
            yield return $"{settings.MaxAttempts} must be from 1 to 1000.";
        }

        // Orleans refuses reminder periods under a minute.
        if (o.RetryPeriod < TimeSpan.FromMinutes(1) || o.RetryPeriod > TimeSpan.FromHours(1))
        {
            yield return $"{settings.RetryPeriod} must be from 1 minute to 1 hour.";
        }

        if (o.RetryBatchSize is < 1 or > 10_000)
        {
            yield return $"{settings.RetryBatchSize} must be from 1 to 10000.";
        }
    }
}

/// <summary>The setting names of one kind's <see cref="StoredWorkOptions"/>, for start-up messages.</summary>
public sealed record StoredWorkSettings(string RetryDelay, string RetryMaxDelay, string MaxAttempts, string RetryPeriod, string RetryBatchSize)
{
    /// <summary>The names of options bound from one section (<c>Email:Delivery:RetryDelay</c>, ...): the shape of new kinds.</summary>
    public static StoredWorkSettings InSection(string section) => new(
        $"{section}:{nameof(StoredWorkOptions.RetryDelay)}",
        $"{section}:{nameof(StoredWorkOptions.RetryMaxDelay)}",
        $"{section}:{nameof(StoredWorkOptions.MaxAttempts)}",
        $"{section}:{nameof(StoredWorkOptions.RetryPeriod)}",
        $"{section}:{nameof(StoredWorkOptions.RetryBatchSize)}");
}
