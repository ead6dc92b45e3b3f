using HiveSync.Grains.Interfaces.Limits;

namespace HiveSync.Tests.Limits;

public sealed class UsageQuotaPeriodTests
{
    [Theory]
    [InlineData(QuotaPeriod.Day, "2026-03-11T23:59:59.9999999", "2026-03-11", "2026-03-12")]
    [InlineData(QuotaPeriod.Day, "2026-03-12T00:00:00", "2026-03-12", "2026-03-13")]
    [InlineData(QuotaPeriod.Day, "2026-12-31T12:00:00", "2026-12-31", "2027-01-01")]
    [InlineData(QuotaPeriod.Week, "2026-03-11T12:00:00", "2026-03-09", "2026-03-16")] // Wednesday → Monday
    [InlineData(QuotaPeriod.Week, "2026-03-15T23:59:59", "2026-03-09", "2026-03-16")] // Sunday ends the ISO week
    [InlineData(QuotaPeriod.Week, "2026-03-16T00:00:00", "2026-03-16", "2026-03-23")]
    [InlineData(QuotaPeriod.Month, "2026-02-28T23:59:59", "2026-02-01", "2026-03-01")]
    [InlineData(QuotaPeriod.Month, "2026-12-01T00:00:00", "2026-12-01", "2027-01-01")]
    public void Periods_start_at_midnight_utc_of_their_day_iso_week_or_month(QuotaPeriod period, string now, string start, string next)
    {
        var utcNow = DateTime.SpecifyKind(DateTime.Parse(now, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

        var periodStart = period.StartOf(utcNow);

        Assert.Equal(DateTime.SpecifyKind(DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc), periodStart);
        Assert.Equal(DateTimeKind.Utc, periodStart.Kind);
        Assert.Equal(DateTime.SpecifyKind(DateTime.Parse(next, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc), period.NextStart(periodStart));
    }

    [Fact]
    public void Quota_keys_carry_a_non_hex_prefix_and_parse_back_to_user_and_kind()
    {
        var key = QuotaKind.AiDocsPerDay.KeyFor(42);

        Assert.Equal("quota-42-ai_docs_per_day", key);
        Assert.True(QuotaKind.TryParseKey(key, out var user, out var kind));
        Assert.Equal((42L, "ai_docs_per_day"), (user, kind));
        Assert.False(QuotaKind.TryParseKey("quota--1-ai_docs_per_day", out _, out _));
        Assert.False(QuotaKind.TryParseKey("quota-x-ai_docs_per_day", out _, out _));
        Assert.False(QuotaKind.TryParseKey("quota-0-ai_docs_per_day", out _, out _));
        Assert.False(QuotaKind.TryParseKey("quota-042-ai_docs_per_day", out _, out _)); // one user, one key
        Assert.False(QuotaKind.TryParseKey("quota-42", out _, out _));
        Assert.Same(QuotaKind.PreviewsPerDay, QuotaKind.Find("previews_per_day"));
        Assert.All(QuotaKind.All, k => Assert.Contains(TierLimit.All, l => l == k.TierLimit && l.Name == k.Name));
    }
}
