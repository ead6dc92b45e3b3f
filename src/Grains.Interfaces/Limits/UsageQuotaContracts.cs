using System.Globalization;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>
/// A request to consume <paramref name="Amount"/> units of a quota.
/// </summary>
/// <param name="ReservationId">Chosen by the caller (e.g. the job id) and unique per piece of guarded work: retrying
/// the same id never consumes twice, and <see cref="IUsageQuotaGrain.Release"/> gives it back.</param>
/// <param name="Limit">The caller's tier limit for this period (0 to <see cref="MaxLimit"/>): the grain never guesses a tier.</param>
/// <param name="Amount">Units to consume, at least 1.</param>
[GenerateSerializer, Immutable]
public sealed record QuotaRequest(Guid ReservationId, long Limit, int Amount = 1)
{
    /// <summary>
    /// The largest limit a quota grain accepts. Not a business limit (those are tier settings): every granted
    /// reservation of a period is kept in the grain's state, so this bounds the state that is rewritten on each use.
    /// </summary>
    public const long MaxLimit = 10_000;
}

/// <summary>The answer to <see cref="IUsageQuotaGrain.TryConsume"/>.</summary>
/// <param name="Granted">Whether the reservation holds (now, or from an earlier call with the same id).</param>
/// <param name="Replayed">True when the reservation had already been granted: this call consumed nothing new.</param>
/// <param name="Used">Units consumed in the current period, including this reservation when granted.</param>
/// <param name="Limit">The limit that was applied.</param>
/// <param name="ResetsAt">When the current period ends and usage starts again from zero (UTC).</param>
[GenerateSerializer, Immutable]
public sealed record QuotaDecision(
    bool Granted,
    bool Replayed,
    Guid ReservationId,
    int Amount,
    long Used,
    long Limit,
    DateTimeOffset ResetsAt)
{
    public long Remaining => Math.Max(0, Limit - Used);

    /// <summary>
    /// This refusal as the tier error: <c>TIER_LIMIT_EXCEEDED</c> (403) with the limit, current use, tier, the cheapest
    /// tier that would allow it, and when the quota resets.
    /// </summary>
    public DomainException ToTierLimitExceeded(TierOptions options, string tier, TierLimit limit)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limit);
        var resetsAt = ResetsAt.UtcDateTime;
        return new DomainException(
            ErrorCodes.TierLimitExceeded,
            string.Create(CultureInfo.InvariantCulture, $"Your {tier} plan allows {Limit} ({limit.Name}); it resets at {resetsAt:yyyy-MM-ddTHH:mm:ssZ}."),
            new QuotaLimitDetails(limit.Name, Limit, Used, tier, TierPolicy.UpgradeFor(options, tier, limit, Used + Amount), resetsAt));
    }
}

/// <summary>A quota's state in the current period, from <see cref="IUsageQuotaGrain.GetUsage"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record QuotaUsage(string Kind, long Used, long Limit, DateTimeOffset PeriodStart, DateTimeOffset ResetsAt)
{
    public long Remaining => Math.Max(0, Limit - Used);
}

/// <summary>
/// The <c>details</c> of <c>TIER_LIMIT_EXCEEDED</c> for a usage quota: the fields of <see cref="TierLimitDetails"/>
/// plus <c>resets_at</c> (a UTC <see cref="DateTime"/>, so the JSON ends in <c>Z</c>).
/// </summary>
public sealed record QuotaLimitDetails(string Limit, long Max, long Current, string Tier, string? UpgradeTo, DateTime ResetsAt);

/// <summary>The one-line way for routes and grains to use a quota.</summary>
public static class UsageQuotas
{
    public static IUsageQuotaGrain GetUsageQuota(this IGrainFactory grains, long userId, QuotaKind kind)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(kind);
        return grains.GetGrain<IUsageQuotaGrain>(kind.KeyFor(userId));
    }

    /// <summary>
    /// Consumes <paramref name="amount"/> of the user's <paramref name="kind"/> quota under <paramref name="tier"/>'s limit,
    /// or throws <c>TIER_LIMIT_EXCEEDED</c>. If the guarded work then fails to start, release
    /// <paramref name="reservationId"/> (<c>grains.GetUsageQuota(userId, kind).Release(reservationId)</c>).
    /// </summary>
    public static async Task<QuotaDecision> EnforceQuotaAsync(
        this IGrainFactory grains, long userId, QuotaKind kind, TierOptions options, string tier, Guid reservationId, int amount = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kind);
        var limit = kind.TierLimit.Of(options.For(tier));
        var decision = await grains.GetUsageQuota(userId, kind).TryConsume(new QuotaRequest(reservationId, limit, amount));
        return decision.Granted ? decision : throw decision.ToTierLimitExceeded(options, tier, kind.TierLimit);
    }
}
