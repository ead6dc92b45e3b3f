using System.Text.Json;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Tests.Limits;

public sealed class TierPolicyTests
{
    private static readonly TierOptions Defaults = new();

    [Fact]
    public void Use_within_the_limit_passes()
    {
        TierPolicy.Enforce(Defaults, Tiers.Free, TierLimit.Projects, currentUse: Defaults.Free.Projects - 1);
    }

    [Fact]
    public void Use_past_the_limit_is_tier_limit_exceeded_with_limit_use_tier_and_the_tier_that_allows_it()
    {
        var error = Assert.Throws<DomainException>(() => TierPolicy.Enforce(Defaults, Tiers.Free, TierLimit.Projects, currentUse: Defaults.Free.Projects));

        Assert.Equal(ErrorCodes.TierLimitExceeded.Code, error.Code);
        var details = JsonDocument.Parse(error.DetailsJson!).RootElement;
        Assert.Equal("projects", details.GetProperty("limit").GetString());
        Assert.Equal(Defaults.Free.Projects, details.GetProperty("max").GetInt64());
        Assert.Equal(Defaults.Free.Projects, details.GetProperty("current").GetInt64());
        Assert.Equal("free", details.GetProperty("tier").GetString());
        Assert.Equal("pro", details.GetProperty("upgrade_to").GetString());
    }

    [Fact]
    public void The_upgrade_is_the_cheapest_tier_that_covers_the_need_or_none()
    {
        Assert.Equal(Tiers.Premium, TierPolicy.UpgradeFor(Defaults, Tiers.Free, TierLimit.Projects, Defaults.Pro.Projects + 1));
        Assert.Null(TierPolicy.UpgradeFor(Defaults, Tiers.Free, TierLimit.Projects, Defaults.Premium.Projects + 1));
        Assert.Null(TierPolicy.UpgradeFor(Defaults, Tiers.Premium, TierLimit.Projects, Defaults.Premium.Projects + 1));
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(TierPolicy.Problems(Defaults));
    }

    [Fact]
    public void A_higher_tier_allowing_less_or_a_non_positive_limit_is_a_problem()
    {
        var options = new TierOptions();
        options.Pro.AiDocsPerDay = options.Free.AiDocsPerDay - 1;
        options.Premium.RequestsPerMinute["auth"] = 0;

        var problems = TierPolicy.Problems(options).ToList();

        // Each names the settings to fix by their full keys.
        Assert.Contains(problems, p => p.StartsWith("Tiers:Pro:AiDocsPerDay (4) must not be less than Tiers:Free:AiDocsPerDay (5)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Tiers:Premium:RequestsPerMinute:auth must be positive", StringComparison.Ordinal));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Requests_per_minute_fall_back_to_the_default_group()
    {
        var limits = new TierOptions().Free;
        limits.RequestsPerMinute["auth"] = 7;

        Assert.Equal(7, limits.RequestsPerMinuteFor("auth"));
        Assert.Equal(limits.RequestsPerMinute[RateLimitGroups.Default], limits.RequestsPerMinuteFor("projects"));
    }
}
