using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace HiveSync.Grains.Auth;

/// <summary>
/// One one-time login token (key: <c>st-</c> + hex SHA-256 of the token). Single-threaded, and its ETag-checked
/// state write is the commit point of a redemption: of any number of exchanges through any number of silos, only
/// the one whose "used" mark was written succeeds. The used mark stays until expiry, when the row is deleted by a
/// grain timer, with a reminder as the backstop should this silo die first; nothing is left behind.
/// </summary>
public sealed class SessionTokenGrain(
    [PersistentState("session-token", StorageProviders.Disposable)] IPersistentState<SessionTokenState> token,
    AuditLog audit,
    IOptionsMonitor<AuthOptions> options,
    DomainClock clock) : Grain, ISessionTokenGrain, IRemindable
{
    private const string ExpiryReminder = "expire";

    // Reminders cannot tick more often; the first tick is due at expiry, so this only matters when a tick is lost.
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private IGrainTimer? _expiryTimer;

    public static DomainException Gone() =>
        new(ErrorCodes.TokenExpired, "This login link has expired or was already used; ask the app for a new one.");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (token.RecordExists)
        {
            ArmExpiryTimer(); // reactivated (another silo, or after collection): delete on time all the same
        }

        return Task.CompletedTask;
    }

    public async Task<DateTimeOffset> Issue(long userId, Guid issuingSessionId, DeviceInfo device)
    {
        if (userId <= 0)
        {
            throw DomainException.Validation("user_id", "Must be a user id.");
        }

        if (issuingSessionId == Guid.Empty)
        {
            throw DomainException.Validation("session_id", "Must be the id of the session asking for the token.");
        }

        if (token.RecordExists)
        {
            throw new DomainException(ErrorCodes.Conflict, "This token already exists."); // 2^-256: a caller bug, not chance
        }

        var now = clock.UtcNow;
        var lifetime = options.CurrentValue.SessionTokenLifetime;

        // The backstop first: should the state write fail, the reminder finds nothing and unregisters itself.
        await this.RegisterOrUpdateReminder(ExpiryReminder, lifetime, ReminderPeriod);
        await token.WriteOrRestoreAsync(new SessionTokenState { UserId = userId, IssuingSessionId = issuingSessionId, IssuedAt = now, ExpiresAt = now + lifetime }, this);
        ArmExpiryTimer();
        await audit.WriteAsync(new AuditEntry(AuditActions.SessionTokenIssued, userId, device, "session", issuingSessionId.ToString()));
        return token.State.ExpiresAt.AsUtc();
    }

    public async Task<SessionTokenRedemption> Redeem()
    {
        var state = token.RecordExists ? token.State : null;
        var now = clock.UtcNow;

        // Unknown, used and expired look the same to the caller: nothing to learn by probing.
        if (state is null || state.UsedAt is not null || state.ExpiresAt <= now)
        {
            if (state is null)
            {
                DeactivateOnIdle(); // a probe with a made-up token: don't keep an empty activation around
            }

            throw Gone();
        }

        // Any other failure is rethrown with memory still unused: should the write have landed all the same, the
        // ETag this activation keeps refuses a second redemption, and the next activation reads the used mark.
        try
        {
            await token.WriteOrRestoreAsync(state.MarkedUsed(now), this);
        }
        catch (InconsistentStateException)
        {
            // Another activation of this token (a silo handover) wrote first: it was that exchange's success.
            throw Gone();
        }

        return new SessionTokenRedemption(state.UserId, state.IssuingSessionId);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == ExpiryReminder ? ExpireAsync() : Task.CompletedTask;

    /// <summary>Deletes the row once the token has expired (used or not) and drops the reminder. Idempotent.</summary>
    private async Task ExpireAsync()
    {
        if (token.RecordExists)
        {
            if (token.State.ExpiresAt > clock.UtcNow)
            {
                ArmExpiryTimer(); // early tick: until expiry a used mark must keep answering "used"
                return;
            }

            try
            {
                await token.ClearStateAsync();
            }
            catch (InconsistentStateException)
            {
                DeactivateOnIdle(); // another activation changed it; the reminder comes back to finish
                return;
            }
        }

        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        DeactivateOnIdle();
    }

    private void ArmExpiryTimer()
    {
        var due = token.State.ExpiresAt - clock.UtcNow;
        _expiryTimer?.Dispose();
        _expiryTimer = this.RegisterGrainTimer(ExpireAsync, new GrainTimerCreationOptions
        {
            DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero,
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = true,
        });
    }
}
