using System.Net.Mail;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Auth;

/// <summary>Email addresses are trimmed and lower-cased once, so uniqueness is case-insensitive everywhere.</summary>
public static class EmailAddress
{
    public const int MaxLength = 254; // RFC 5321 path limit

    public static string Normalise(string? raw, string field = "email")
    {
        var email = raw?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email))
        {
            throw DomainException.Validation(field, "Required.");
        }

        if (email.Length > MaxLength
            || !MailAddress.TryCreate(email, out var parsed)
            || parsed.Address != email
            || parsed.Host.IndexOf('.', StringComparison.Ordinal) <= 0
            || parsed.Host.EndsWith('.') // "a@example.com." is the mailbox of "a@example.com": one account per mailbox
            || email.Any(char.IsControl)
            || email.Any(StillUpperCase))
        {
            throw DomainException.Validation(field, "Must be a valid email address of at most 254 characters.");
        }

        return email;
    }

    // Letters the invariant lower-casing leaves upper case (e.g. 'İ', U+0130) would be lower-cased by PostgreSQL's
    // users_email_normalised check instead and fail the insert; such addresses are refused up front.
    private static bool StillUpperCase(char c) =>
        char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.UppercaseLetter or System.Globalization.UnicodeCategory.TitlecaseLetter;

    /// <summary>Normalises without throwing, for lookups where a malformed address simply matches no one.</summary>
    public static string? TryNormalise(string? raw)
    {
        try
        {
            return Normalise(raw);
        }
        catch (DomainException)
        {
            return null;
        }
    }
}
