using HiveSync.Grains.Audit;
using HiveSync.Grains.Email;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HiveSync.Grains.Notifications;

/// <summary>
/// Notification digests as a kind of stored work: one email with a user's pending notifications. The email is put in
/// the outbox in the digest's own done mark, with the notifications it lists marked sent, so a digest is emailed
/// exactly once however its attempts end; applying it again finds it done.
/// </summary>
public sealed class NotificationDigests(
    NpgsqlDataSource db,
    NotificationStore store,
    NotificationEmails emails,
    EmailDelivery delivery,
    IGrainFactory grains,
    IOptionsMonitor<NotificationEmailOptions> options,
    DomainClock clock,
    ILogger<NotificationDigests> logger) : StoredWorkKind(new StoredWorkTable(db, NotificationStore.DigestsTable), clock, logger)
{
    public override string Name => "Notification digest";

    public override StoredWorkOptions Options => options.CurrentValue.Digest;

    public override bool ApplyIsIdempotent => true;

    protected override IStoredWorkRetryGrain RetryGrain => grains.GetGrain<INotificationDigestRetryGrain>(0);

    protected override async Task ApplyAsync(StoredWorkClaim claim, CancellationToken cancellationToken)
    {
        if (await store.DigestOwnerAsync(claim.Id) is not { } userId)
        {
            return; // deleted with its user
        }

        var o = options.CurrentValue;
        var profile = await grains.GetGrain<IUserGrain>(userId).GetProfile();
        var pending = await store.PendingEmailsAsync(userId, o.MaxListed);

        // An address nobody has proven is not mailed: it may be someone else's.
        var email = profile.EmailVerified && pending.Total > 0 ? emails.Digest(profile.Email, pending.Listed, pending.Total) : null;
        var outcome = !profile.EmailVerified ? "unverified" : email is null ? "nothing" : "sent";
        var now = Clock.UtcNow;
        if (email is not null)
        {
            await delivery.EnsureScheduledAsync();
        }

        var marked = await Table.MarkDoneAsync(
            claim,
            now,
            outcome,
            async (c, tx) =>
            {
                await NotificationStore.SettleDigestAsync(c, tx, claim.Id, userId, pending.MaxPendingId, email is not null, now + o.Window, now);
                if (email is not null)
                {
                    await delivery.AddAsync(c, tx, email);
                }
            },
            lockFirst: (c, tx) => NotificationStore.LockDigestUserAsync(c, tx, userId));
        if (marked && email is not null)
        {
            await delivery.QueueAsync();
        }
    }

    protected override AuditEntry GivenUpAudit(StoredWorkClaim claim, Exception? failure) =>
        GivenUp(AuditActions.NotificationDigestFailed, "notification_digest", claim, failure?.GetType().Name);
}
