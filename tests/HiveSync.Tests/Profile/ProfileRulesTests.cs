using System.Text.Json.Nodes;
using HiveSync.Grains.Profile;
using HiveSync.Tests.Auth;

namespace HiveSync.Tests.Profile;

public sealed class ProfileRulesTests
{
    [Fact]
    public void DisplayName_null_stays_null()
    {
        Assert.Null(ProfileRules.DisplayName(null));
    }

    [Theory]
    [InlineData("Ada", "Ada")]
    [InlineData("  Ada Lovelace  ", "Ada Lovelace")]
    [InlineData("Zoë 🐝", "Zoë 🐝")]
    public void DisplayName_is_trimmed(string raw, string expected)
    {
        Assert.Equal(expected, ProfileRules.DisplayName(raw));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\tinside")]
    [InlineData("nul\u0000inside")]
    [InlineData("bell\u0007")]
    public void DisplayName_refuses_blank_or_control_characters(string raw)
    {
        UnitAssert.ValidationOf("display_name", () => ProfileRules.DisplayName(raw));
    }

    [Fact]
    public void DisplayName_allows_100_characters_counted_as_characters()
    {
        var hundredBees = string.Concat(Enumerable.Repeat("🐝", 100));

        Assert.Equal(new string('n', 100), ProfileRules.DisplayName(new string('n', 100)));
        Assert.Equal(hundredBees, ProfileRules.DisplayName(hundredBees));
        UnitAssert.ValidationOf("display_name", () => ProfileRules.DisplayName(new string('n', 101)));
        UnitAssert.ValidationOf("display_name", () => ProfileRules.DisplayName(hundredBees + "🐝"));
    }

    // Strings with unpaired surrogates are built here, not passed as theory data (which may not carry them intact).
    private static readonly string HighAlone = "lone " + (char)0xD800 + " high";
    private static readonly string LowAlone = "lone " + (char)0xDC00 + " low";
    private static readonly string EndsInHigh = "ends in " + (char)0xD83D;
    private static readonly string Reversed = "reversed " + (char)0xDC1D + (char)0xD83D;

    [Fact]
    public void DisplayName_refuses_unpaired_surrogates()
    {
        foreach (var name in new[] { HighAlone, LowAlone, EndsInHigh, Reversed })
        {
            UnitAssert.ValidationOf("display_name", () => ProfileRules.DisplayName(name));
        }
    }

    [Fact]
    public void IsWellFormedUtf16_spots_unpaired_surrogates()
    {
        Assert.True(ProfileRules.IsWellFormedUtf16(""));
        Assert.True(ProfileRules.IsWellFormedUtf16("plain"));
        Assert.True(ProfileRules.IsWellFormedUtf16("bee 🐝"));
        Assert.False(ProfileRules.IsWellFormedUtf16(HighAlone));
        Assert.False(ProfileRules.IsWellFormedUtf16(LowAlone));
        Assert.False(ProfileRules.IsWellFormedUtf16(EndsInHigh));
        Assert.False(ProfileRules.IsWellFormedUtf16(Reversed));
    }

    [Fact]
    public void AvatarUrl_null_stays_null()
    {
        Assert.Null(ProfileRules.AvatarUrl(null));
    }

    [Theory]
    [InlineData("https://cdn.example.com/a.png", "https://cdn.example.com/a.png")]
    [InlineData("https://CDN.Example.com", "https://cdn.example.com/")]
    [InlineData("https://cdn.example.com:8443/a b.png?x=1", "https://cdn.example.com:8443/a%20b.png?x=1")]
    public void AvatarUrl_accepts_absolute_https_urls_in_canonical_form(string raw, string expected)
    {
        Assert.Equal(expected, ProfileRules.AvatarUrl(raw));
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://cdn.example.com/a.png")]
    [InlineData("HTTP://cdn.example.com/a.png")]
    [InlineData("ftp://cdn.example.com/a.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/path.png")]
    [InlineData("cdn.example.com/a.png")]
    [InlineData("https://user:pw@cdn.example.com/a.png")]
    [InlineData("https://user@cdn.example.com/a.png")]
    public void AvatarUrl_refuses_anything_but_a_plain_absolute_https_url(string raw)
    {
        UnitAssert.ValidationOf("avatar_url", () => ProfileRules.AvatarUrl(raw));
    }

    [Fact]
    public void AvatarUrl_refuses_more_than_2048_characters()
    {
        var prefix = "https://cdn.example.com/";

        Assert.NotNull(ProfileRules.AvatarUrl(prefix + new string('a', 2048 - prefix.Length)));
        UnitAssert.ValidationOf("avatar_url", () => ProfileRules.AvatarUrl(prefix + new string('a', 2049 - prefix.Length)));
    }

    [Fact]
    public void Preferences_null_resets_to_an_empty_object()
    {
        Assert.Equal("{}", ProfileRules.Preferences(null));
    }

    [Fact]
    public void Preferences_keeps_a_json_object()
    {
        const string json = """{"theme":"dark","editor":{"tabs":4},"recent":[1,2,3]}""";

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(ProfileRules.Preferences(json))));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"dark\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("")]
    public void Preferences_refuses_anything_but_a_json_object(string json)
    {
        UnitAssert.ValidationOf("preferences", () => ProfileRules.Preferences(json));
    }

    [Fact]
    public void Preferences_are_bounded_to_16_KiB()
    {
        var fits = $$"""{"b":"{{new string('x', 16 * 1024 - 8)}}"}""";
        var tooBig = $$"""{"b":"{{new string('x', 16 * 1024 - 7)}}"}""";
        Assert.Equal(16 * 1024, System.Text.Encoding.UTF8.GetByteCount(fits));

        Assert.NotNull(ProfileRules.Preferences(fits));
        UnitAssert.ValidationOf("preferences", () => ProfileRules.Preferences(tooBig));
    }

    [Fact]
    public void Preferences_size_counts_utf8_bytes()
    {
        var bees = string.Concat(Enumerable.Repeat("🐝", 4200)); // 8,400 UTF-16 units, 16,800 UTF-8 bytes

        UnitAssert.ValidationOf("preferences", () => ProfileRules.Preferences($$"""{"b":"{{bees}}"}"""));
    }

    [Fact]
    public void Preferences_are_bounded_to_8_levels_of_nesting()
    {
        Assert.NotNull(ProfileRules.Preferences(Nested(8)));
        UnitAssert.ValidationOf("preferences", () => ProfileRules.Preferences(Nested(9)));
        UnitAssert.ValidationOf("preferences", () => ProfileRules.Preferences("{\"a\":" + new string('[', 8) + new string(']', 8) + "}"));
    }

    [Theory]
    [InlineData("""{"a":"x\u0000y"}""")]
    [InlineData("""{"a\u0000":1}""")]
    [InlineData("""{"a":"lone \ud800 high surrogate"}""")]
    [InlineData("""{"a":"lone \udc00 low surrogate"}""")]
    public void Preferences_refuses_text_postgresql_jsonb_cannot_store(string json)
    {
        UnitAssert.ValidationOf("preferences", () => ProfileRules.Preferences(json));
    }

    [Fact]
    public void Preferences_accept_a_valid_surrogate_pair_escape()
    {
        Assert.NotNull(ProfileRules.Preferences("""{"bee":"\ud83d\udc1d"}"""));
    }

    private static string Nested(int depth)
    {
        var json = "{\"leaf\":1}";
        for (var i = 1; i < depth; i++)
        {
            json = $"{{\"n{i}\":{json}}}";
        }

        return json;
    }
}
