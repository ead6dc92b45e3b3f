using HiveSync.Grains.Interfaces.Platform;
using MimeKit;

namespace HiveSync.Grains.Email;

/// <summary>
/// Section <c>Email</c>. With no <c>Email:Smtp:Host</c> (the embedded default) every message is written as an
/// RFC 5322 <c>.eml</c> file to <see cref="PickupDirectory"/> instead of sent.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public static readonly StoredWorkSettings DeliverySettings = StoredWorkSettings.InSection("Email:Delivery");

    /// <summary>The sender of every message (<c>Name &lt;address&gt;</c> or an address).</summary>
    public string From { get; set; } = "HiveSync <no-reply@hivesync.localhost>";

    /// <summary>The web frontend's address: links in messages (verification, password reset) open its pages.</summary>
    public string LinkBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>Where messages go when no SMTP server is configured; by default <c>mail</c> beside the embedded database's folder.</summary>
    public string? PickupDirectory { get; set; }

    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>Retries of a message the SMTP server refused or could not be reached for: first after 30 s, doubling to 30 min, 20 tries.</summary>
    public StoredWorkOptions Delivery { get; set; } = new()
    {
        RetryDelay = TimeSpan.FromSeconds(30),
        RetryMaxDelay = TimeSpan.FromMinutes(30),
        MaxAttempts = 20,
    };

    public bool SmtpConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);

    public static IEnumerable<string> Problems(EmailOptions o)
    {
        if (!MailboxAddress.TryParse(o.From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            yield return "Email:From must be an email address, optionally with a name: HiveSync <no-reply@example.com>.";
        }

        if (!Uri.TryCreate(o.LinkBaseUrl, UriKind.Absolute, out var links) || links.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(links.Query))
        {
            yield return "Email:LinkBaseUrl must be an absolute http(s) URL without a query: the web frontend's address.";
        }

        if (o.SmtpConfigured)
        {
            if (o.Smtp.Port is < 1 or > 65535)
            {
                yield return "Email:Smtp:Port must be from 1 to 65535.";
            }

            if (o.Smtp.Security is not (SmtpSecurity.StartTls or SmtpSecurity.Tls or SmtpSecurity.None))
            {
                yield return "Email:Smtp:Security must be starttls, tls or none.";
            }

            if (string.IsNullOrEmpty(o.Smtp.Username) != string.IsNullOrEmpty(o.Smtp.Password))
            {
                yield return "Email:Smtp:Username and Email:Smtp:Password go together: set both or neither.";
            }

            if (o.Smtp.Timeout < TimeSpan.FromSeconds(1) || o.Smtp.Timeout > TimeSpan.FromMinutes(2))
            {
                yield return "Email:Smtp:Timeout must be from 1 second to 2 minutes.";
            }
        }

        foreach (var problem in StoredWorkOptions.Problems(o.Delivery, DeliverySettings))
        {
            yield return problem;
        }
    }
}

/// <summary>Section <c>Email:Smtp</c>: the relay messages are sent through (Postmark, SES, a company relay, ...).</summary>
public sealed class SmtpSettings
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>starttls</c> (the default: required, not opportunistic), <c>tls</c> (implicit, port 465) or <c>none</c> (a relay on loopback only).</summary>
    public string Security { get; set; } = SmtpSecurity.StartTls;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>For each step of the SMTP conversation.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class SmtpSecurity
{
    public const string StartTls = "starttls";
    public const string Tls = "tls";
    public const string None = "none";
}
