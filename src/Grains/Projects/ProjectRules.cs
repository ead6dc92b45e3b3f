using System.Text;
using System.Text.RegularExpressions;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Projects;

/// <summary>What a project, its key, its tags and its list queries may be.</summary>
public static partial class ProjectRules
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 2000;
    public const int TagMaxLength = 50;
    public const int KeyMaxLength = 10;

    public static string Name(string? value, string field = "name") => TextRules.Text(value, field, NameMaxLength);

    public static string Description(string? value) => TextRules.Text(value ?? "", "description", DescriptionMaxLength, allowEmpty: true, multiLine: true);

    public static string TagName(string? value) => TextRules.Text(value, "name", TagMaxLength);

    /// <summary>An explicit key: 2–10 of A–Z and 0–9, starting with a letter (taken as given, never upper-cased for the caller).</summary>
    public static string Key(string value) => KeyFormat().IsMatch(value)
        ? value
        : throw DomainException.Validation("key", "Must be 2 to 10 capital letters (A-Z) and digits, starting with a letter.");

    public static string Role(string? value, string field = "role") => ProjectRoles.IsKnown(value)
        ? value!
        : throw DomainException.Validation(field, $"Must be one of: {string.Join(", ", ProjectRoles.All)}.");

    /// <summary>
    /// The key a name suggests: the initials of a name of several words, else the first four characters of its one word,
    /// without leading digits; "PRJ" when that leaves fewer than two.
    /// </summary>
    public static string SuggestedKey(string name)
    {
        var words = Words().Matches(RemoveDiacritics(name).ToUpperInvariant()).Select(m => m.Value).ToList();
        var letters = words.Count >= 2 ? string.Concat(words.Select(w => w[0])) : string.Concat(words);
        var key = letters.TrimStart("0123456789".ToCharArray());
        key = key[..Math.Min(4, key.Length)];
        return key.Length >= 2 ? key : "PRJ";
    }

    /// <summary>The first of <paramref name="suggested"/>, <c>{suggested}2</c>, <c>{suggested}3</c>, ... that is not taken.</summary>
    public static string FreeKey(string suggested, IReadOnlySet<string> taken)
    {
        if (!taken.Contains(suggested))
        {
            return suggested;
        }

        for (var n = 2; ; n++)
        {
            var suffix = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var candidate = suggested[..Math.Min(suggested.Length, KeyMaxLength - suffix.Length)] + suffix;
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    private static string RemoveDiacritics(string text) =>
        new(text.Normalize(NormalizationForm.FormD).Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark).ToArray());

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}$")]
    private static partial Regex KeyFormat();

    [GeneratedRegex("[A-Z0-9]+")]
    private static partial Regex Words();
}
