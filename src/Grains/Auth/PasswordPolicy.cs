using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Auth;

/// <summary>
/// NIST SP 800-63B style: a length floor, a ceiling (bounds hashing cost and request size), no
/// composition rules, and no password equal to the account's email.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    public static string Validate(string? password, string email)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw DomainException.Validation("password", "Required.");
        }

        var length = password.EnumerateRunes().Count();
        if (length < MinLength || length > MaxLength)
        {
            throw DomainException.Validation("password", $"Must be {MinLength} to {MaxLength} characters long.");
        }

        if (string.IsNullOrWhiteSpace(password) || password.Any(char.IsControl) || !IsValidUnicode(password))
        {
            throw DomainException.Validation("password", "Must not be blank or contain control characters or invalid Unicode.");
        }

        if (string.Equals(password.Trim(), email, StringComparison.OrdinalIgnoreCase))
        {
            throw DomainException.Validation("password", "Must not be the email address.");
        }

        return password;
    }

    private static bool IsValidUnicode(string text)
    {
        try
        {
            StrictUtf8.GetByteCount(text);
            return true;
        }
        catch (System.Text.EncoderFallbackException)
        {
            return false; // a lone surrogate
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
