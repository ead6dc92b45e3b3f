using System.Text;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Profile;

/// <summary>What a user may put in their profile.</summary>
public static class ProfileRules
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
        if (name.Length == 0 || name.EnumerateRunes().Count() > DisplayNameMaxLength || name.Any(char.IsControl))
        {
            throw DomainException.Validation("display_name", $"Must be 1 to {DisplayNameMaxLength} characters without control characters, or null.");
        }

        return name;
    }

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

            return document.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            throw DomainException.Validation("preferences", $"Must be a JSON object nested at most {PreferencesMaxDepth} levels deep.");
        }
    }
}
