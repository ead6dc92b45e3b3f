using System.Globalization;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Email;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace HiveSync.Grains.Auth;

/// <summary>
/// Entry points keyed by email or refresh token. Stateless, so every silo runs it locally and in parallel, and
/// reentrant, so a sign-in or refresh waiting on PostgreSQL or on a user's grain never holds up the next one
/// (without it each silo would run only as many at once as it has cores); every change is handed to the owning
/// <see cref="IUserGrain"/>.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class AccountsGrain(
    UserStore store,
    AuditLog audit,
    PasswordHashing passwords,
    AccountEmails emails,
    EmailDelivery delivery,
    DomainClock clock,
    IOptions<LoginGuardOptions> guardOptions) : Grain, IAccountsGrain
{
    public const int DeviceNameMaxLength = 100;

    /// <summary>Verification emails one account may ask for in a day, beyond the one registration sends.</summary>
    public const int VerificationEmailsPerDay = 5;

    /// <summary>Password-reset emails per address and hour.</summary>
    public const int PasswordResetEmailsPerHour = 5;

    public async Task<long?> FindByEmail(string email) =>
        EmailAddress.TryNormalise(email) is { } normalised ? await store.FindUserIdByEmailAsync(normalised) : null;

    public async Task<long?> FindByUsername(string username) =>
        Profile.ProfileRules.IsUsername(username) ? await store.FindUserIdByUsernameAsync(username) : null;

    public async Task<IReadOnlyList<UserCard>> Describe(IReadOnlyList<long> userIds) =>
        userIds.Count == 0 ? [] : await store.DescribeUsersAsync(userIds);

    public async Task<IssuedSession> Register(Registration registration, DeviceInfo device)
    {
        var email = EmailAddress.Normalise(registration.Email);
        var password = PasswordPolicy.Validate(registration.Password, email);
        var displayName = Profile.ProfileRules.DisplayName(registration.DisplayName);
        ValidateDevice(device);

        await delivery.EnsureScheduledAsync();
        var userId = await store.InsertUserAsync(email, passwords.Hash(password), displayName, emails.Verification(email, clock.UtcNow), clock.UtcNow)
            ?? throw new DomainException(ErrorCodes.Conflict, "An account with this email already exists.", new Dictionary<string, string[]> { ["email"] = ["Already registered."] });
        await delivery.QueueAsync();
        await audit.WriteAsync(new AuditEntry(AuditActions.Register, userId, device, "user", userId.ToString(CultureInfo.InvariantCulture)));
        return await GrainFactory.GetGrain<IUserGrain>(userId).StartSession(device);
    }

    public async Task<UserProfile> VerifyEmail(string token)
    {
        var hash = LinkTokenHash(token);
        return await store.FindVerificationOwnerAsync(hash) is { } userId
            ? await GrainFactory.GetGrain<IUserGrain>(userId).ConfirmEmail(hash)
            : throw AuthErrors.VerificationLinkExpired();
    }

    public async Task RequestPasswordReset(string email)
    {
        if (EmailAddress.TryNormalise(email) is not { } normalised)
        {
            return;
        }

        // A few an hour per address, guarded alike whether it has an account: a flood of resets fills nobody's inbox.
        var allowance = await AcquireAsync(RateLimitGroups.PasswordResetEmail, PasswordResetEmailsPerHour, 60 * 60, AccountKey(normalised));
        if (!allowance.Allowed || await store.FindUserIdByEmailAsync(normalised) is not { } userId)
        {
            return;
        }

        await delivery.EnsureScheduledAsync();
        await store.AddPasswordResetAsync(userId, emails.PasswordReset(normalised, clock.UtcNow), clock.UtcNow);
        await delivery.QueueAsync();
        await audit.WriteAsync(new AuditEntry(AuditActions.PasswordResetRequested, userId, null, "user", userId.ToString(CultureInfo.InvariantCulture)));
    }

    public async Task ConfirmPasswordReset(string token, string password)
    {
        var hash = LinkTokenHash(token);
        await (await store.FindPasswordResetOwnerAsync(hash) is { } userId
            ? GrainFactory.GetGrain<IUserGrain>(userId).ResetPassword(hash, password)
            : throw AuthErrors.ResetLinkExpired());
    }

    public async Task<DateTimeOffset> ResendVerification(long userId)
    {
        var profile = await GrainFactory.GetGrain<IUserGrain>(userId).GetProfile();
        if (profile.EmailVerified)
        {
            throw new DomainException(ErrorCodes.Conflict, "This email address is verified already.");
        }

        // A few a day per account: each one is a message to someone's inbox.
        var allowance = await AcquireAsync(RateLimitGroups.VerificationEmail, VerificationEmailsPerDay, 24 * 60 * 60, userId.ToString(CultureInfo.InvariantCulture));
        if (!allowance.Allowed)
        {
            throw allowance.Refused("Too many verification emails for this account; retry after the number of seconds in Retry-After.");
        }

        var draft = emails.Verification(profile.Email, clock.UtcNow);
        await delivery.EnsureScheduledAsync();
        await store.ReplaceVerificationAsync(userId, profile.Email, draft, clock.UtcNow);
        await delivery.QueueAsync();
        return draft.ExpiresAt.AsUtc();
    }

    public async Task<IssuedSession> SignIn(string email, string password, DeviceInfo device)
    {
        ValidateDevice(device);
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
        {
            var missing = new Dictionary<string, string[]>();
            if (string.IsNullOrEmpty(email)) missing["email"] = ["Required."];
            if (string.IsNullOrEmpty(password)) missing["password"] = ["Required."];
            throw DomainException.Validation(missing);
        }

        if (password.Length > PasswordPolicy.MaxLength * 2)
        {
            throw AuthErrors.InvalidCredentials(); // no account has one this long; don't spend a hash on it
        }

        var normalised = EmailAddress.TryNormalise(email);

        // Every attempt takes one from the account's failure allowance up front (so parallel guesses cannot
        // overshoot it); a successful sign-in gives it back. Unknown emails are guarded alike.
        var policy = new RateLimitPolicy(RateLimitGroups.LoginAccount, guardOptions.Value.FailuresPerWindow, guardOptions.Value.WindowSeconds);
        var guard = GrainFactory.GetGrain<IRateLimitGrain>(RateLimitKeys.Bucket(RateLimitGroups.LoginAccount, AccountKey(normalised ?? email)));
        var allowance = await guard.Acquire(policy);
        if (!allowance.Allowed)
        {
            await audit.WriteAsync(new AuditEntry(AuditActions.LoginFailed, null, device, "email", normalised ?? "(malformed)", new { reason = "account_paused" }));
            throw allowance.Refused("Too many failed sign-ins for this account; retry after the number of seconds in Retry-After.");
        }

        // The one PBKDF2 verification of the attempt runs here for a real account and for an unknown email alike: the
        // same code in the same place, so the two answers cost the same (it used to run in the user's grain, one hop and
        // one thrown exception further, and wrong passwords took measurably longer than unknown emails).
        var userId = normalised is null ? null : await store.FindUserIdByEmailAsync(normalised);
        var user = userId is null ? null : GrainFactory.GetGrain<IUserGrain>(userId.Value);
        var hash = user is null ? null : await user.GetPasswordHash();
        var verdict = passwords.VerifyOrDecoy(hash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            await audit.WriteAsync(hash is null
                ? new AuditEntry(AuditActions.LoginFailed, null, device, "email", normalised ?? "(malformed)", new { reason = "unknown_email" })
                : new AuditEntry(AuditActions.LoginFailed, userId, device, "user", userId!.Value.ToString(CultureInfo.InvariantCulture), new { reason = "wrong_password" }));
            throw AuthErrors.InvalidCredentials();
        }

        var session = await user!.SignIn(hash!, verdict == PasswordVerificationResult.SuccessRehashNeeded ? password : null, device);
        await guard.Release(policy);
        return session;
    }

    /// <summary>Takes one from <paramref name="key"/>'s bucket of <paramref name="group"/>: <paramref name="limit"/> per window.</summary>
    private Task<RateLimitDecision> AcquireAsync(string group, int limit, int windowSeconds, string key) =>
        GrainFactory.GetGrain<IRateLimitGrain>(RateLimitKeys.Bucket(group, key)).Acquire(new RateLimitPolicy(group, limit, windowSeconds));

    /// <summary>The hash an emailed link's token is stored as; 400 when there is none. A token longer than any issued one finds nothing.</summary>
    private static byte[] LinkTokenHash(string token) =>
        string.IsNullOrEmpty(token) ? throw DomainException.Validation("token", "Required: the token of the emailed link.")
        : AccountEmails.Hash(token.Length <= AccountEmails.MaxTokenLength ? token : "");

    // The bucket key is a hash: no email address in grain ids, logs or the dashboard.
    private static string AccountKey(string email) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

    public async Task<IssuedSession> Refresh(string refreshToken, DeviceInfo device)
    {
        if (string.IsNullOrEmpty(refreshToken))
        {
            throw DomainException.Validation("refresh_token", "Required.");
        }

        if (RefreshTokens.TryReadOwner(refreshToken, out var userId, out var sessionId))
        {
            return await GrainFactory.GetGrain<IUserGrain>(userId).Refresh(sessionId, refreshToken, device); // no lookup: the token names its session
        }

        var row = RefreshTokens.LooksLikeLegacy(refreshToken) ? await store.FindRefreshTokenAsync(RefreshTokens.Hash(refreshToken)) : null;
        if (row is null)
        {
            throw AuthErrors.RefreshTokenInvalid();
        }

        if (row.ExpiresAt <= clock.UtcNow)
        {
            throw AuthErrors.RefreshTokenExpired();
        }

        return await GrainFactory.GetGrain<IUserGrain>(row.UserId).Refresh(row.SessionId, refreshToken, device);
    }

    private static void ValidateDevice(DeviceInfo device)
    {
        if (device.DeviceName is { } name && (name.Length > DeviceNameMaxLength || name.Any(char.IsControl)))
        {
            throw DomainException.Validation("device_name", $"Must be at most {DeviceNameMaxLength} characters without control characters.");
        }
    }
}
