using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Profile;

namespace HiveSync.Grains.Platform;

/// <summary>The one rule for user-written text fields and list queries: trimmed, well-formed, bounded, no control characters.</summary>
public static class TextRules
{
    public const int QueryMaxLength = 200;

    /// <summary>The trimmed text, or a validation error naming <paramref name="field"/>. Multi-line text may hold line breaks and tabs.</summary>
    public static string Text(string? value, string field, int maxLength, bool allowEmpty = false, bool multiLine = false)
    {
        var text = value?.Trim();
        var bad = text is null
            || (!allowEmpty && text.Length == 0)
            || !ProfileRules.IsWellFormedUtf16(text)
            || text.EnumerateRunes().Count() > maxLength
            || text.Any(c => char.IsControl(c) && !(multiLine && c is '\n' or '\r' or '\t'));
        return bad
            ? throw DomainException.Validation(field, allowEmpty ? $"Must be at most {maxLength} characters." : $"Must be 1 to {maxLength} characters without control characters.")
            : text!;
    }

    /// <summary>A list's <c>q</c>: trimmed and bounded; null when blank.</summary>
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
}
