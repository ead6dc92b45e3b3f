using System.Globalization;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Email;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace HiveSync.Grains.Email;

/// <summary>
/// The email outbox as a kind of stored work. Sending is not idempotent, so an attempt interrupted between handing a
/// message over and marking it (its silo died) gives the message up, audited for an admin, rather than send it
/// twice; a refusal or an unreachable server is retried with growing delays. Every message carries a Message-ID made
/// from its row, the same on every attempt.
/// </summary>
public sealed class EmailDelivery(
    EmailOutbox outbox,
    IEmailTransport transport,
    IGrainFactory grains,
    IOptionsMonitor<EmailOptions> options,
    DomainClock clock,
    ILogger<EmailDelivery> logger) : StoredWorkKind(outbox.Table, clock, logger)
{
    public override string Name => "Email";

    public override StoredWorkOptions Options => options.CurrentValue.Delivery;

    public override bool ApplyIsIdempotent => false;

    protected override IStoredWorkRetryGrain RetryGrain => grains.GetGrain<IEmailDeliveryRetryGrain>(0);

    /// <summary>
    /// Stores <paramref name="email"/> in the caller's transaction; once that commits, <see cref="StoredWorkKind.QueueAsync"/>
    /// sends it without the caller waiting. Call <see cref="StoredWorkKind.EnsureScheduledAsync"/> before the transaction.
    /// </summary>
    public Task<long> AddAsync(NpgsqlConnection connection, NpgsqlTransaction tx, OutgoingEmail email) =>
        EmailOutbox.AddAsync(connection, tx, email, Clock.UtcNow);

    protected override async Task ApplyAsync(StoredWorkClaim claim, CancellationToken cancellationToken)
    {
        var row = await outbox.FindAsync(claim.Id) ?? throw new InvalidOperationException($"email {claim.Id} is not in the outbox");
        await transport.SendAsync(Compose(row, options.CurrentValue.From), cancellationToken);
        if (!await Table.MarkDoneAsync(claim, Clock.UtcNow, transport.Outcome))
        {
            Logger.LogWarning("Email {Id} was handed over, but its attempt no longer held it when marking it", claim.Id);
        }
    }

    protected override AuditEntry GivenUpAudit(StoredWorkClaim claim, Exception? failure) =>
        GivenUp(AuditActions.EmailFailed, "email", claim, failure?.GetType().Name);

    public static MimeMessage Compose(OutboxRow row, string from)
    {
        var sender = MailboxAddress.Parse(from);
        var message = new MimeMessage
        {
            Subject = row.Subject,
            Date = new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)),
            MessageId = string.Create(CultureInfo.InvariantCulture, $"hivesync-email-{row.Id}@{sender.Domain}"),
            Body = new TextPart("plain") { Text = row.TextBody },
        };
        message.From.Add(sender);
        message.To.Add(MailboxAddress.Parse(row.ToAddress));
        return message;
    }
}
