namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>
/// One user's usage quota of one kind over a UTC period (key <c>quota-&lt;userId&gt;-&lt;kind&gt;</c>, see
/// <see cref="QuotaKind.KeyFor"/>; get it with <see cref="UsageQuotas.GetUsageQuota"/>). The only writer of its counter:
/// check-and-consume is atomic and persisted before it is answered, so the count is exact however many silos call it.
/// Invalid input (limit outside 0..<see cref="QuotaRequest.MaxLimit"/>, amount &lt; 1, empty reservation id, unknown
/// kind) fails with <c>VALIDATION_ERROR</c>.
/// </summary>
public interface IUsageQuotaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Consumes the request's amount if the period's use plus the amount stays within the limit. A reservation id
    /// already granted this period answers granted again (<see cref="QuotaDecision.Replayed"/>) and consumes nothing;
    /// with a different amount it is a <c>CONFLICT</c>. A refusal consumes and records nothing.
    /// </summary>
    Task<QuotaDecision> TryConsume(QuotaRequest request);

    /// <summary>
    /// Gives a reservation of the current period back (the guarded work failed to start). True when this call released
    /// something; an unknown, already released or earlier period's reservation is a no-op (false).
    /// </summary>
    Task<bool> Release(Guid reservationId);

    /// <summary>The current period's use against <paramref name="limit"/>.</summary>
    Task<QuotaUsage> GetUsage(long limit);
}
