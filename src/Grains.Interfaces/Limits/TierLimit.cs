using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>A countable limit of the tier policy, by its name in error details and its setting (<c>Tiers:&lt;Tier&gt;:&lt;Setting&gt;</c>).</summary>
public sealed record TierLimit(string Name, Func<TierLimits, long> Of)
{
    public static readonly TierLimit Projects = new("projects", l => l.Projects) { Setting = nameof(TierLimits.Projects) };
    public static readonly TierLimit MembersPerProject = new("members_per_project", l => l.MembersPerProject) { Setting = nameof(TierLimits.MembersPerProject) };
    public static readonly TierLimit PreviewsPerDay = new("previews_per_day", l => l.PreviewsPerDay) { Setting = nameof(TierLimits.PreviewsPerDay) };
    public static readonly TierLimit ConcurrentPreviews = new("concurrent_previews", l => l.ConcurrentPreviews) { Setting = nameof(TierLimits.ConcurrentPreviews) };
    public static readonly TierLimit AiDocsPerDay = new("ai_docs_per_day", l => l.AiDocsPerDay) { Setting = nameof(TierLimits.AiDocsPerDay) };
    public static readonly TierLimit MaxPageSize = new("max_page_size", l => l.MaxPageSize) { Setting = nameof(TierLimits.MaxPageSize) };
    public static readonly TierLimit AttachmentBytes = new("attachment_bytes", l => l.AttachmentBytes) { Setting = nameof(TierLimits.AttachmentBytes) };
    public static readonly TierLimit WebhooksPerProject = new("webhooks_per_project", l => l.WebhooksPerProject) { Setting = nameof(TierLimits.WebhooksPerProject) };
    public static readonly TierLimit ApiKeys = new("api_keys", l => l.ApiKeys) { Setting = nameof(TierLimits.ApiKeys) };

    public static IReadOnlyList<TierLimit> All { get; } = [Projects, MembersPerProject, PreviewsPerDay, ConcurrentPreviews, AiDocsPerDay, MaxPageSize, AttachmentBytes, WebhooksPerProject, ApiKeys];

    /// <summary>The last part of the setting's key, as in <c>Tiers:Pro:MaxPageSize</c>.</summary>
    public string Setting { get; init; } = "";
}

/// <summary>
/// The one way to enforce a tier limit, from a route or a grain: <c>TIER_LIMIT_EXCEEDED</c> (403) with the limit,
/// the current use, the caller's tier and the cheapest tier that would allow it (null when none does).
/// </summary>
public static class TierPolicy
{
    /// <summary>Throws when using <paramref name="requested"/> more on top of <paramref name="currentUse"/> would pass the limit.</summary>
    public static void Enforce(TierOptions options, string tier, TierLimit limit, long currentUse, long requested = 1)
    {
        var max = limit.Of(options.For(tier));
        if (currentUse + requested <= max)
        {
            return;
        }

        throw Exceeded(options, tier, limit, currentUse, requested);
    }

    public static DomainException Exceeded(TierOptions options, string tier, TierLimit limit, long currentUse, long requested = 1) =>
        new(
            ErrorCodes.TierLimitExceeded,
            $"Your {tier} plan allows {limit.Of(options.For(tier))} ({limit.Name}).",
            new TierLimitDetails(limit.Name, limit.Of(options.For(tier)), currentUse, tier, UpgradeFor(options, tier, limit, currentUse + requested)));

    /// <summary>The cheapest tier above <paramref name="tier"/> whose limit covers <paramref name="needed"/>.</summary>
    public static string? UpgradeFor(TierOptions options, string tier, TierLimit limit, long needed) =>
        Tiers.Ordered.SkipWhile(t => t != tier).Skip(1).FirstOrDefault(t => limit.Of(options.For(t)) >= needed);

    /// <summary>Start-up validation: positive limits, and no tier allowing less than the one below it; each names its setting.</summary>
    public static IEnumerable<string> Problems(TierOptions options)
    {
        foreach (var tier in Tiers.Ordered)
        {
            var limits = options.For(tier);
            foreach (var limit in TierLimit.All.Where(l => l.Of(limits) <= 0))
            {
                yield return $"{Setting(tier, limit)} must be positive (was {limit.Of(limits)}).";
            }

            foreach (var limit in new[] { TierLimit.PreviewsPerDay, TierLimit.AiDocsPerDay }.Where(l => l.Of(limits) > QuotaRequest.MaxLimit))
            {
                yield return $"{Setting(tier, limit)} must be at most {QuotaRequest.MaxLimit} (a usage quota's state holds one entry per use).";
            }

            foreach (var (group, perMinute) in limits.RequestsPerMinute.Where(r => r.Value <= 0))
            {
                yield return $"{TierOptions.Section}:{SectionOf(tier)}:{nameof(TierLimits.RequestsPerMinute)}:{group} must be positive (was {perMinute}).";
            }
        }

        foreach (var (lower, higher) in Tiers.Ordered.Zip(Tiers.Ordered.Skip(1)))
        {
            foreach (var limit in TierLimit.All.Where(l => l.Of(options.For(higher)) < l.Of(options.For(lower))))
            {
                yield return $"{Setting(higher, limit)} ({limit.Of(options.For(higher))}) must not be less than {Setting(lower, limit)} ({limit.Of(options.For(lower))}): no tier may allow less than the one below it.";
            }
        }
    }

    private static string Setting(string tier, TierLimit limit) => $"{TierOptions.Section}:{SectionOf(tier)}:{limit.Setting}";

    /// <summary>The tier's section under <c>Tiers</c>: the property of <see cref="TierOptions"/> that holds it.</summary>
    private static string SectionOf(string tier) => tier switch
    {
        Tiers.Premium => nameof(TierOptions.Premium),
        Tiers.Pro => nameof(TierOptions.Pro),
        _ => nameof(TierOptions.Free),
    };
}

/// <summary>The <c>details</c> of <c>TIER_LIMIT_EXCEEDED</c>.</summary>
public sealed record TierLimitDetails(string Limit, long Max, long Current, string Tier, string? UpgradeTo);
