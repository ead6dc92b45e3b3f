using System.Globalization;
using System.Text;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Profile;

/// <summary>What a user may put in their profile.</summary>
public static partial class ProfileRules
{
    public const int DisplayNameMaxLength = 100;
    public const int AvatarUrlMaxLength = 2048;
    public const int PreferencesMaxBytes = 16 * 1024;
    public const int PreferencesMaxDepth = 8;

    public static string? DisplayName(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var name = value.Trim();
        if (name.Length == 0 || name.EnumerateRunes().Count() > DisplayNameMaxLength || name.Any(char.IsControl) || !IsWellFormedUtf16(name))
        {
            throw DomainException.Validation("display_name", $"Must be 1 to {DisplayNameMaxLength} characters without control characters, or null.");
        }

        return name;
    }

    /// <summary>3–32 of letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, starting with a letter or digit; null clears.</summary>
    public static string? Username(string? value) => value is null || IsUsername(value)
        ? value
        : throw DomainException.Validation("username", "Must be 3 to 32 letters, digits, '_', '.' or '-', starting with a letter or digit, or null.");

    public static bool IsUsername(string value) => UsernameFormat().IsMatch(value);

    public static string? AvatarUrl(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > AvatarUrlMaxLength
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps
            || string.IsNullOrEmpty(uri.Host)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw DomainException.Validation("avatar_url", $"Must be an absolute https URL of at most {AvatarUrlMaxLength} characters without credentials, or null.");
        }

        return uri.AbsoluteUri;
    }

    /// <summary>Preferences are a JSON object the clients own; bounded in size and depth. Null resets to {}.</summary>
    public static string Preferences(string? json)
    {
        if (json is null)
        {
            return "{}";
        }

        if (Encoding.UTF8.GetByteCount(json) > PreferencesMaxBytes)
        {
            throw DomainException.Validation("preferences", $"Must be at most {PreferencesMaxBytes} bytes of JSON.");
        }

        if (json.Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
        {
            throw DomainException.Validation("preferences", "Must not contain NUL characters.");
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = PreferencesMaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw DomainException.Validation("preferences", "Must be a JSON object.");
            }

            // PostgreSQL's jsonb refuses what System.Text.Json accepts in two places: unpaired surrogate escapes
            // ("\ud800") and numbers beyond its numeric type (1e200000). Refuse them here, not with a 500.
            if (FirstUnstorable(document.RootElement) is { } problem)
            {
                throw DomainException.Validation("preferences", problem);
            }

            return document.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            throw DomainException.Validation("preferences", $"Must be a JSON object nested at most {PreferencesMaxDepth} levels deep.");
        }
    }

    /// <summary>False when the text has an unpaired UTF-16 surrogate (it cannot be stored or encoded faithfully).</summary>
    public static bool IsWellFormedUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    public const int NumberMaxLength = 100;

    private static string? FirstUnstorable(JsonElement root)
    {
        try
        {
            return Walk(root);
        }
        catch (InvalidOperationException)
        {
            return UnpairedSurrogate; // System.Text.Json refuses to decode an unpaired surrogate escape
        }

        static string? Walk(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => IsWellFormedUtf16(element.GetString()!) ? null : UnpairedSurrogate,
            JsonValueKind.Number => IsStorableNumber(element.GetRawText()) ? null : $"Numbers must be finite, within ±1.7e308 and at most {NumberMaxLength} characters long.",
            JsonValueKind.Array => element.EnumerateArray().Select(Walk).FirstOrDefault(p => p is not null),
            JsonValueKind.Object => element.EnumerateObject().Select(p => IsWellFormedUtf16(p.Name) ? Walk(p.Value) : UnpairedSurrogate).FirstOrDefault(p => p is not null),
            _ => null,
        };
    }

    private const string UnpairedSurrogate = "Must not contain invalid Unicode (unpaired surrogates).";

    /// <summary>
    /// A JSON number PostgreSQL's numeric can hold and clients can read back as a double: finite, not a non-zero
    /// value that underflows to 0 (1e-999999), an exponent within numeric's ±1000, and short (so its digits stay
    /// within numeric's scale).
    /// </summary>
    public static bool IsStorableNumber(string raw)
    {
        if (raw.Length > NumberMaxLength || !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return false;
        }

        var e = raw.AsSpan().IndexOfAny('e', 'E');
        var mantissa = e < 0 ? raw.AsSpan() : raw.AsSpan(0, e);
        var exponentFits = e < 0 || (int.TryParse(raw.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) && Math.Abs(exponent) <= 1000);
        return exponentFits && (value != 0 || !mantissa.ContainsAnyInRange('1', '9'));
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")]
    private static partial System.Text.RegularExpressions.Regex UsernameFormat();
}
