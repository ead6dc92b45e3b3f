namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>The paid tiers, cheapest first: a higher tier never allows less than a lower one.</summary>
public static class Tiers
{
    public const string Free = "free";
    public const string Pro = "pro";
    public const string Premium = "premium";

    public static IReadOnlyList<string> Ordered { get; } = [Free, Pro, Premium];

    public static bool IsPaid(string tier) => tier is Pro or Premium;
}
