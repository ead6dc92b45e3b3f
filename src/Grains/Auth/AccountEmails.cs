using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HiveSync.Grains.Email;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Auth;

/// <summary>The account's messages and their single-use tokens (<c>hsv1.</c> + 256 random bits, stored as SHA-256).</summary>
public sealed class AccountEmails(IOptionsMonitor<EmailOptions> options)
{
    /// <summary>How long a verification link works.</summary>
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(48);

    /// <summary>How long a password-reset link works.</summary>
    public static readonly TimeSpan PasswordResetLifetime = TimeSpan.FromHours(1);

    public const int MaxTokenLength = 128;

    public static (string Token, byte[] Hash) NewToken(string prefix)
    {
        var token = prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public EmailLinkDraft Verification(string to, DateTime now)
    {
        var (token, hash) = NewToken("hsv1.");
        var expires = now + VerificationLifetime;
        var link = Link("verify-email", token);
        var body = string.Create(CultureInfo.InvariantCulture, $"""
            Welcome to HiveSync.

            To confirm that {to} is your address, open this link:

            {link}

            It works once, until {expires:yyyy-MM-dd HH:mm} UTC. If you did not create a HiveSync account, ignore this message.
            """);
        return new EmailLinkDraft(hash, expires, new OutgoingEmail("verify_email", to, "Verify your email address for HiveSync", body));
    }

    public EmailLinkDraft PasswordReset(string to, DateTime now)
    {
        var (token, hash) = NewToken("hsp1.");
        var expires = now + PasswordResetLifetime;
        var link = Link("reset-password", token);
        var body = string.Create(CultureInfo.InvariantCulture, $"""
            Someone asked to reset the password of the HiveSync account of {to}.

            To choose a new password, open this link:

            {link}

            It works once, until {expires:yyyy-MM-dd HH:mm} UTC, and signs the account out everywhere. If you did not ask
            for this, ignore this message: your password stays as it is.
            """);
        return new EmailLinkDraft(hash, expires, new OutgoingEmail("password_reset", to, "Reset your HiveSync password", body));
    }

    private string Link(string page, string token) => $"{options.CurrentValue.LinkBaseUrl.TrimEnd('/')}/{page}?token={Uri.EscapeDataString(token)}";
}
