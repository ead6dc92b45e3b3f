using System.Globalization;

namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>How long a usage quota counts before it starts again from zero. Every period begins at 00:00 UTC.</summary>
public enum QuotaPeriod
{
    /// <summary>A UTC calendar day.</summary>
    Day,

    /// <summary>An ISO week: Monday 00:00 UTC to the next Monday.</summary>
    Week,

    /// <summary>A UTC calendar month.</summary>
    Month,
}

public static class QuotaPeriods
{
    /// <summary>The start (UTC) of the period that contains <paramref name="utcNow"/>.</summary>
    public static DateTime StartOf(this QuotaPeriod period, DateTime utcNow)
    {
        var day = DateTime.SpecifyKind(utcNow.Date, DateTimeKind.Utc);
        return period switch
        {
            QuotaPeriod.Day => day,
            QuotaPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), // DayOfWeek counts from Sunday
            QuotaPeriod.Month => new DateTime(day.Year, day.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown quota period."),
        };
    }

    /// <summary>The start (UTC) of the period after the one starting at <paramref name="periodStart"/>: when usage resets.</summary>
    public static DateTime NextStart(this QuotaPeriod period, DateTime periodStart) => period switch
    {
        QuotaPeriod.Day => periodStart.AddDays(1),
        QuotaPeriod.Week => periodStart.AddDays(7),
        QuotaPeriod.Month => periodStart.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown quota period."),
    };
}

/// <summary>
/// A usage quota: a per-user counter of one tier limit over a period. The name is the tier limit's name, so
/// settings, error details and grain keys all say the same thing. Add a kind here to count something new.
/// </summary>
public sealed record QuotaKind(string Name, QuotaPeriod Period, TierLimit TierLimit)
{
    /// <summary>The prefix of every usage-quota grain key (non-hex, so ADO.NET storage keeps the key a string).</summary>
    public const string KeyPrefix = "quota-";

    public static readonly QuotaKind PreviewsPerDay = new(TierLimit.PreviewsPerDay.Name, QuotaPeriod.Day, TierLimit.PreviewsPerDay);
    public static readonly QuotaKind AiDocsPerDay = new(TierLimit.AiDocsPerDay.Name, QuotaPeriod.Day, TierLimit.AiDocsPerDay);

    public static IReadOnlyList<QuotaKind> All { get; } = [PreviewsPerDay, AiDocsPerDay];

    public static QuotaKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The grain key of <paramref name="userId"/>'s quota of this kind: <c>quota-&lt;userId&gt;-&lt;kind&gt;</c>.</summary>
    public string KeyFor(long userId) => string.Create(CultureInfo.InvariantCulture, $"{KeyPrefix}{userId}-{Name}");

    /// <summary>Splits a grain key into user id and kind name; false unless it is <c>quota-&lt;positive id without leading zeros&gt;-...</c>.</summary>
    public static bool TryParseKey(string key, out long userId, out string kindName)
    {
        userId = 0;
        kindName = "";
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key.AsSpan(KeyPrefix.Length);
        var dash = rest.IndexOf('-');
        // Canonical digits only ("05" would name a second counter for user 5).
        if (dash <= 0
            || rest[0] == '0'
            || !long.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out userId))
        {
            userId = 0;
            return false;
        }

        kindName = rest[(dash + 1)..].ToString();
        return true;
    }
}
