using System.Text.RegularExpressions;
using HiveSync.Grains.Platform;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HiveSync.Grains.Email;

/// <summary>Where a message goes: an SMTP relay, or (the embedded default) a folder of <c>.eml</c> files.</summary>
public interface IEmailTransport
{
    /// <summary>The outcome stored for a message this transport took.</summary>
    string Outcome { get; }

    /// <summary>
    /// Hands the message over. Throws when it was not taken (it is retried), <see cref="StoredWorkRefusedException"/>
    /// when it never will be (given up), or <see cref="StoredWorkOutcomeUnknownException"/> when it may have been
    /// (given up, never sent twice).
    /// </summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends through <c>Email:Smtp</c> with MailKit: one connection per message, TLS as configured.</summary>
public sealed class SmtpEmailTransport(IOptionsMonitor<EmailOptions> options) : IEmailTransport
{
    public string Outcome => EmailOutbox.SentOutcome;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.CurrentValue.Smtp;
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        var security = smtp.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };

        // Until the message itself goes out, any failure means it was not sent.
        await client.ConnectAsync(smtp.Host ?? "", smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }

        try
        {
            await client.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException refused) when ((int)refused.StatusCode >= 500 && refused.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            // A permanent refusal of this recipient or message. (One of the sender is more likely the relay's
            // configuration, fixed by an operator: retried like a temporary refusal.)
            throw new StoredWorkRefusedException($"the SMTP server refused it: {(int)refused.StatusCode} {refused.Message}", refused);
        }
        catch (Exception error) when (error is not SmtpCommandException and not ServiceNotConnectedException and not ServiceNotAuthenticatedException)
        {
            // The server refused (a command error) or never took the message: both retried. A broken connection or
            // a time-out mid-conversation may have been after the server accepted it.
            throw new StoredWorkOutcomeUnknownException($"the SMTP conversation broke off ({error.GetType().Name}) and the server may have accepted the message", error);
        }

        try
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None);
        }
        catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or ProtocolException or OperationCanceledException)
        {
            // Sent already: a failed QUIT must not turn into a retry, which would send it again.
        }
    }
}

/// <summary>
/// Writes each message as an RFC 5322 <c>.eml</c> file (written aside, then renamed: a reader never sees half a
/// message) and logs its links, so a developer with no mail server can follow a verification link.
/// </summary>
public sealed partial class PickupDirectoryTransport(EmailPickupDirectory directory, ILogger<PickupDirectoryTransport> logger) : IEmailTransport
{
    public string Outcome => EmailOutbox.WrittenOutcome;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory.Path);
        var name = MessageFileName(message.MessageId ?? Guid.NewGuid().ToString("N"));
        var path = System.IO.Path.Combine(directory.Path, name);
        var partial = path + ".partial";
        await message.WriteToAsync(partial, cancellationToken);
        File.Move(partial, path, overwrite: true);
        var links = Link().Matches(message.TextBody ?? "").Select(m => m.Value).ToList();
        logger.LogInformation("Email to {To} ({Subject}) written to {Path}; links: {Links}", message.To, message.Subject, path, links.Count == 0 ? "none" : string.Join(' ', links));
    }

    private static string MessageFileName(string messageId) =>
        string.Concat(messageId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".eml";

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Link();
}

/// <summary>The pickup folder: <c>Email:PickupDirectory</c>, else <c>mail</c> beside the embedded database's folder.</summary>
public sealed class EmailPickupDirectory(string path)
{
    public string Path { get; } = path;

    public static string Default() => DataDirectories.Default("mail");
}
