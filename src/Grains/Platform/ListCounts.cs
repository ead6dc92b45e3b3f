namespace HiveSync.Grains.Platform;

/// <summary>
/// The <c>total</c> of the lists that grow without bound (a project's tasks and comments, a user's notifications):
/// counted exactly up to <see cref="Cap"/>, beyond which it says <see cref="Cap"/>. An exact count reads every
/// matching index entry, 100 000 of them for the first page of a big project's tasks; pages beyond the cap still
/// answer as long as there are items.
/// </summary>
public static class ListCounts
{
    public const int Cap = 10_000;

    /// <summary>A statement counting the rows of <paramref name="fromWhere"/> (<c>table alias WHERE ...</c>) up to <see cref="Cap"/>.</summary>
    public static string Capped(string fromWhere) => $"SELECT count(*) FROM (SELECT 1 FROM {fromWhere} LIMIT {Cap}) counted";
}
