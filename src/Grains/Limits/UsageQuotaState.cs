namespace HiveSync.Grains.Limits;

/// <summary>
/// Grain state of <see cref="UsageQuotaGrain"/>. Stored as JSON that names this type: do not rename or move it
/// without migrating the stored rows.
/// </summary>
[GenerateSerializer]
public sealed class UsageQuotaState
{
    /// <summary>Start (UTC) of the period the reservations belong to.</summary>
    [Id(0)]
    public DateTime PeriodStart { get; set; }

    /// <summary>Granted reservation id → amount, of that period only; used = their sum.</summary>
    [Id(1)]
    public Dictionary<Guid, int> Reservations { get; set; } = [];
}
