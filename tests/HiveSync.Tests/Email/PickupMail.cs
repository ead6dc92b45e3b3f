using System.Globalization;
using System.Text.RegularExpressions;
using HiveSync.Tests.Platform;
using MimeKit;

namespace HiveSync.Tests.Email;

/// <summary>Reads what a <see cref="PickupSilo"/> wrote: the messages to an address, and the token of a link in them.</summary>
public static partial class PickupMail
{
    /// <summary>The messages to <paramref name="email"/> with <paramref name="subject"/>, oldest first, once there are at least <paramref name="count"/>.</summary>
    public static async Task<List<MimeMessage>> MessagesToAsync(PickupSilo silo, string email, string subject, int count = 1)
    {
        List<MimeMessage> sent = [];
        Assert.True(await Eventually.HoldsAsync(() =>
        {
            sent = [.. MessagesToNow(silo, email).Where(m => m.Subject == subject)];
            return Task.FromResult(sent.Count >= count);
        }), $"fewer than {count} messages '{subject}' to {email}");
        return [.. sent.OrderBy(m => OutboxRow(m.MessageId ?? ""))];
    }

    /// <summary>The messages to <paramref name="email"/> now, without waiting.</summary>
    public static IReadOnlyList<MimeMessage> MessagesToNow(PickupSilo silo, string email) =>
        Directory.Exists(silo.PickupDirectory)
            ? [.. Directory.GetFiles(silo.PickupDirectory, "*.eml").Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(a => a.Address == email))]
            : [];

    /// <summary>The token of the <c>/{page}?token=</c> link in <paramref name="message"/>.</summary>
    public static string LinkToken(MimeMessage message, string page) => LinkToken(message.TextBody ?? "", page);

    /// <summary>The token of the <c>/{page}?token=</c> link in a message's text.</summary>
    public static string LinkToken(string text, string page)
    {
        var match = Regex.Match(text, $@"/{Regex.Escape(page)}\?token=(\S+)");
        Assert.True(match.Success, $"no /{page} link in: {text}");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    // Message-IDs are hivesync-email-{outbox row}@...: a higher row is a newer message.
    private static long OutboxRow(string messageId) =>
        long.Parse(messageId["hivesync-email-".Length..messageId.IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
}
