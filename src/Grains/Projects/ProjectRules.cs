using System.Text;
using System.Text.RegularExpressions;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;

namespace HiveSync.Grains.Projects;

/// <summary>What a project, its key, its tags and its list queries may be.</summary>
public static partial class ProjectRules
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 2000;
    public const int TagMaxLength = 50;
    public const int QueryMaxLength = 200;
    public const int KeyMaxLength = 10;

    public static string Name(string? value, string field = "name") =>
        Text(value, field, NameMaxLength, allowEmpty: false, allowNewLines: false)!;

    public static string Description(string? value) =>
        Text(value ?? "", "description", DescriptionMaxLength, allowEmpty: true, allowNewLines: true)!;

    public static string TagName(string? value) => Text(value, "name", TagMaxLength, allowEmpty: false, allowNewLines: false)!;

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

    /// <summary>The words of a list query's <c>q</c>: trimmed, bounded, null when blank.</summary>
    public static string? Query(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return text.Length <= QueryMaxLength && !text.Any(char.IsControl)
            ? text
            : throw DomainException.Validation("q", $"Must be at most {QueryMaxLength} characters without control characters.");
    }

    private static string? Text(string? value, string field, int maxLength, bool allowEmpty, bool allowNewLines)
    {
        var text = value?.Trim();
        var bad = text is null
            || (!allowEmpty && text.Length == 0)
            || text.EnumerateRunes().Count() > maxLength
            || !Profile.ProfileRules.IsWellFormedUtf16(text)
            || text.Any(c => char.IsControl(c) && !(allowNewLines && c is '\n' or '\r' or '\t'));
        return bad
            ? throw DomainException.Validation(field, allowEmpty ? $"Must be at most {maxLength} characters." : $"Must be 1 to {maxLength} characters without control characters.")
            : text;
    }

    private static string RemoveDiacritics(string text) =>
        new(text.Normalize(NormalizationForm.FormD).Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark).ToArray());

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}$")]
    private static partial Regex KeyFormat();

    [GeneratedRegex("[A-Z0-9]+")]
    private static partial Regex Words();
}
