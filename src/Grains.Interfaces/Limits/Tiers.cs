namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>The tiers, cheapest first: a higher tier never allows less than a lower one.</summary>
public static class Tiers
{
    public const string Free = "free";
    public const string Pro = "pro";
    public const string Premium = "premium";

    public static IReadOnlyList<string> Ordered { get; } = [Free, Pro, Premium];

    /// <summary>Whether the tier is one that can be bought (anything else, or none, is not).</summary>
    public static bool IsPaid(string? tier) => tier is Pro or Premium;
}
