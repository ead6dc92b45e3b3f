using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Limits;
using HiveSync.Grains.Platform;
using HiveSync.Grains.Profile;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Auth;

/// <summary>
/// The single writer of one user. PostgreSQL holds the truth (users, device_sessions, refresh_tokens);
/// this activation caches the user and their live sessions so every request's session check is a
/// memory lookup, and serialises the changes that must not race (rotation, revocation, profile).
/// </summary>
public sealed class UserGrain(
    UserStore store,
    RefreshTokenKey refreshKey,
    AuditLog audit,
    PasswordHashing passwords,
    IOptionsMonitor<AuthOptions> options,
    IOptions<TierOptions> tiers,
    DomainClock clock,
    IEnumerable<IEmailVerifiedStep> verifiedSteps,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    // Writing last_seen_at on every request would turn reads into writes; once a minute is precise enough.
    private static readonly TimeSpan LastSeenFlushInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<Guid, SessionRow> _sessions = [];
    private readonly HashSet<Guid> _touching = []; // checks interleave: one last-seen write per session at a time
    private readonly Dictionary<string, GcraBucket> _rateBuckets = []; // per route group; memory only, like every bucket
    private IReadOnlyList<UserPlan> _plan = [];
    private UserRow? _user;

    private long UserId => this.GetPrimaryKeyLong();

    private DateTime Now => clock.UtcNow;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => await LoadAsync();

    public Task<UserAccount> GetAccount() => Task.FromResult(ToAccount(RequireUser()));

    public async Task<IssuedSession> StartSession(DeviceInfo device)
    {
        if (_user is null)
        {
            await LoadAsync(); // registered after this activation looked for it
        }

        return await OpenSessionAsync(device);
    }

    public Task<string?> GetPasswordHash() => Task.FromResult(_user?.PasswordHash);

    public async Task<IssuedSession> SignIn(string verifiedHash, string? rehashPassword, DeviceInfo device)
    {
        var user = RequireUser();
        if (!string.Equals(user.PasswordHash, verifiedHash, StringComparison.Ordinal))
        {
            throw AuthErrors.InvalidCredentials(); // the password changed after it was checked (a reset in between): the old one no longer signs in
        }

        if (rehashPassword is not null)
        {
            var rehashed = user.With(u => u.PasswordHash = passwords.Hash(rehashPassword), Now);
            await store.UpdatePasswordHashAsync(rehashed);
            _user = rehashed;
        }

        var result = await OpenSessionAsync(device);
        await audit.WriteAsync(new AuditEntry(AuditActions.LoginSucceeded, user.Id, device, "session", result.SessionId.ToString()));
        return result;
    }

    public async Task<IssuedSession> Refresh(Guid sessionId, string refreshToken, DeviceInfo device)
    {
        var signed = RefreshTokens.TryReadSigned(refreshToken, out var presented);
        if (signed && (presented.UserId != UserId || presented.SessionId != sessionId || !presented.IsGenuine(refreshKey.Current)))
        {
            throw AuthErrors.RefreshTokenInvalid(); // never issued (forged or mistyped): no query, and no reason to end anything
        }

        if (_user is not { } user || !_sessions.TryGetValue(sessionId, out var session))
        {
            throw await NotLiveAsync(sessionId, signed ? null : RefreshTokens.Hash(refreshToken));
        }

        if (session.ExpiresAt <= Now)
        {
            throw AuthErrors.RefreshTokenExpired();
        }

        var renewed = session.Renewed(Now, options.CurrentValue.RefreshTokenLifetime, device);
        var outcome = !signed ? await store.SpendHashedRefreshTokenAsync(renewed, RefreshTokens.Hash(refreshToken))
            : session.RefreshGeneration is not { } current || presented.Generation > current ? RefreshOutcome.Unknown
            : presented.Generation < current ? RefreshOutcome.Spent
            : await store.RenewSessionAsync(renewed, presented.Generation);
        switch (outcome)
        {
            case RefreshOutcome.Spent:
                // A refresh token works once. A second use means it leaked (or raced): end the session for everyone.
                await RevokeAsync(session, SessionEndReason.RefreshTokenReuse);
                await audit.WriteAsync(new AuditEntry(AuditActions.RefreshTokenReuse, user.Id, device, "session", sessionId.ToString()));
                throw new DomainException(ErrorCodes.AuthSessionRevoked, "This refresh token was already used; the session has been revoked. Sign in again.");
            case RefreshOutcome.Unknown:
                throw AuthErrors.RefreshTokenInvalid(); // never issued for this session: no reason to end it
            case RefreshOutcome.Expired:
                throw AuthErrors.RefreshTokenExpired();
        }

        _sessions[sessionId] = renewed;
        return new IssuedSession(ToAccount(user), sessionId, RefreshTokenOf(renewed), renewed.ExpiresAt.AsUtc());
    }

    // The session is not live here: expired (and dropped from memory), revoked, or never this user's. Only a token
    // really issued for it (a genuine signature, or a hashed row of the session) may learn that it expired; anything
    // else is answered like garbage.
    private async Task<DomainException> NotLiveAsync(Guid sessionId, byte[]? hashedToken)
    {
        var expiresAt = _user is null ? null
            : hashedToken is null ? await store.FindSessionExpiryAsync(sessionId, UserId)
            : await store.FindRefreshTokenAsync(hashedToken) is { } row && row.SessionId == sessionId && row.UserId == UserId ? row.ExpiresAt
            : null;
        return expiresAt <= Now ? AuthErrors.RefreshTokenExpired() : AuthErrors.RefreshTokenInvalid();
    }

    private string RefreshTokenOf(SessionRow session) =>
        RefreshTokens.Create(session.UserId, session.Id, session.RefreshGeneration!.Value, refreshKey.Current);

    public Task<SessionCheck> CheckSession(Guid sessionId, string? rateLimitGroup = null) =>
        Task.FromResult(Check(sessionId, rateLimitGroup));

    private SessionCheck Check(Guid sessionId, string? rateLimitGroup)
    {
        if (_user is null)
        {
            return new SessionCheck(SessionCheckResult.UnknownUser, Roles.User, Tiers.Free);
        }

        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            return new SessionCheck(SessionCheckResult.Revoked, _user.Role, Tiers.Free);
        }

        var now = Now;
        if (session.ExpiresAt <= now)
        {
            _sessions.Remove(sessionId);
            return new SessionCheck(SessionCheckResult.Expired, _user.Role, Tiers.Free);
        }

        session.LastUsedAt = now;
        var account = ToAccount(_user);
        var decision = rateLimitGroup is null ? null : TakeRequest(rateLimitGroup, account.Tier, now);
        if (now - session.LastSeenAt >= LastSeenFlushInterval)
        {
            // In the background on this activation: the request does not wait for a bookkeeping write.
            _ = TouchAsync(session, now);
        }

        return new SessionCheck(SessionCheckResult.Active, account.Role, account.Tier, account, decision);
    }

    public async Task<IssuedCookieSession?> StartCookieSession(Guid issuingSessionId, DeviceInfo device)
    {
        // A login link is worth no more than the session that asked for it: if that one ended, so did the link.
        if (_user is null || !_sessions.TryGetValue(issuingSessionId, out var issuing) || issuing.ExpiresAt <= Now)
        {
            return null;
        }

        // Its expiry is fixed (a cookie session is never refreshed), and a cookie session that asks for a link gets
        // one no longer-lived than itself: otherwise each link would extend a stolen cookie by a whole lifetime.
        var session = await NewSessionAsync(_user, device, SessionKinds.Cookie);
        if (issuing.Kind == SessionKinds.Cookie && issuing.ExpiresAt < session.ExpiresAt)
        {
            session.ExpiresAt = issuing.ExpiresAt;
        }

        await store.CreateSessionAsync(session);
        Remember(session);
        await audit.WriteAsync(new AuditEntry(AuditActions.SessionTokenExchanged, _user.Id, device, "session", session.Id.ToString(), new { kind = "cookie", issuing_session_id = issuingSessionId }));
        return new IssuedCookieSession(ToAccount(_user), session.Id, session.ExpiresAt.AsUtc());
    }

    public async Task EndSession(Guid sessionId, SessionEndReason reason, DeviceInfo actor)
    {
        var user = RequireUser();
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            throw new DomainException(ErrorCodes.SessionNotFound, "No live session with this id.");
        }

        await RevokeAsync(session, reason);
        var action = reason == SessionEndReason.Logout ? AuditActions.Logout : AuditActions.SessionRevoked;
        await audit.WriteAsync(new AuditEntry(action, user.Id, actor, "session", sessionId.ToString()));
    }

    public Task<IReadOnlyList<DeviceSessionView>> ListSessions()
    {
        RequireUser();
        var now = Now;
        IReadOnlyList<DeviceSessionView> views = _sessions.Values
            .Where(s => s.ExpiresAt > now)
            .OrderByDescending(s => s.LastSeenAt)
            .ThenBy(s => s.Id)
            .Select(s => new DeviceSessionView(s.Id, s.DeviceName, s.UserAgent, s.IpAddress, s.CreatedAt.AsUtc(), s.LastSeenAt.AsUtc(), s.ExpiresAt.AsUtc()))
            .ToList();
        return Task.FromResult(views);
    }

    public async Task<UserProfile> ConfirmEmail(byte[] tokenHash)
    {
        var user = RequireUser();
        var now = Now;
        if (!await store.ConfirmEmailAsync(UserId, tokenHash, now, async (c, tx) =>
            {
                foreach (var step in verifiedSteps)
                {
                    await step.InTransactionAsync(c, tx, UserId, user.Email, now);
                }
            }))
        {
            throw AuthErrors.VerificationLinkExpired();
        }

        _user = user.With(u => u.EmailVerified = true, now);
        foreach (var step in verifiedSteps)
        {
            try
            {
                await step.AfterCommitAsync();
            }
            catch (Exception error)
            {
                // Committed and stored: its own retry comes back to it. The verification stands.
                logger.LogWarning(error, "A step after verifying user {UserId}'s address could not start; its retry will", UserId);
            }
        }

        return ToProfile(_user);
    }

    public async Task ResetPassword(byte[] tokenHash, string password)
    {
        var user = RequireUser();
        var newHash = passwords.Hash(PasswordPolicy.Validate(password, user.Email));
        if (!await store.ResetPasswordAsync(UserId, tokenHash, newHash, Now))
        {
            throw AuthErrors.ResetLinkExpired();
        }

        // Written: every session is revoked in the database, so none may pass a check here either.
        _user = user.With(u => u.PasswordHash = newHash, Now);
        _sessions.Clear();
        await audit.WriteAsync(new AuditEntry(AuditActions.PasswordReset, user.Id, null, "user", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public Task<UserProfile> GetProfile() => Task.FromResult(ToProfile(RequireUser()));

    public async Task<string> ReloadAccount()
    {
        _user = await store.LoadUserAsync(UserId); // memory follows the row, gone or not
        return RequireUser().Role;
    }

    public async Task SetPlan(IReadOnlyList<UserPlan> timeline)
    {
        RequireUser();
        var ordered = timeline.OrderBy(p => p.From).ToList();
        await store.SavePlanAsync(UserId, ordered, Now);
        _plan = ordered;
    }

    public Task<bool> Exists() => Task.FromResult(_user is not null);

    public async Task<UserProfile> UpdateProfile(ProfileChanges changes)
    {
        var user = RequireUser();
        var displayName = changes.SetDisplayName ? ProfileRules.DisplayName(changes.DisplayName) : user.DisplayName;
        var avatarUrl = changes.SetAvatarUrl ? ProfileRules.AvatarUrl(changes.AvatarUrl) : user.AvatarUrl;
        var preferences = changes.SetPreferences ? ProfileRules.Preferences(changes.PreferencesJson) : user.Preferences;
        var username = changes.SetUsername ? ProfileRules.Username(changes.Username) : user.Username;

        var updated = user.With(
            u =>
            {
                u.DisplayName = displayName;
                u.AvatarUrl = avatarUrl;
                u.Preferences = preferences;
                u.Username = username;
            },
            Now);
        if (!await store.UpdateProfileAsync(updated))
        {
            throw new DomainException(ErrorCodes.Conflict, "This username is taken.", new { field = "username" });
        }

        _user = updated;
        var fields = new[] { (changes.SetDisplayName, "display_name"), (changes.SetAvatarUrl, "avatar_url"), (changes.SetPreferences, "preferences"), (changes.SetUsername, "username") };
        await audit.WriteAsync(new AuditEntry(AuditActions.ProfileUpdated, user.Id, null, "user", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), new { fields = fields.Where(f => f.Item1).Select(f => f.Item2) }));
        return ToProfile(updated);
    }

    private async Task LoadAsync()
    {
        _user = await store.LoadUserAsync(UserId);
        _sessions.Clear();
        if (_user is not null)
        {
            foreach (var session in await store.LoadLiveSessionsAsync(UserId, Now))
            {
                _sessions[session.Id] = session;
            }
        }

        _plan = _user is null ? [] : await store.LoadPlanAsync(UserId);
    }

    private async Task<IssuedSession> OpenSessionAsync(DeviceInfo device)
    {
        var user = RequireUser();
        var session = await NewSessionAsync(user, device);
        await store.CreateSessionAsync(session);
        Remember(session);
        return new IssuedSession(ToAccount(user), session.Id, RefreshTokenOf(session), session.ExpiresAt.AsUtc());
    }

    /// <summary>A new session row for this device, after making room for it under the per-user limit.</summary>
    private async Task<SessionRow> NewSessionAsync(UserRow user, DeviceInfo device, string kind = SessionKinds.Device)
    {
        await EvictBeyondLimitAsync(options.CurrentValue.MaxSessionsPerUser - 1);
        var now = Now;
        return new SessionRow
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            Kind = kind,
            DeviceName = device.DeviceName,
            UserAgent = device.UserAgent,
            IpAddress = device.IpAddress,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + options.CurrentValue.RefreshTokenLifetime,
            RefreshGeneration = kind == SessionKinds.Device ? 0 : null,
        };
    }

    private void Remember(SessionRow session) => _sessions[session.Id] = session;

    private async Task EvictBeyondLimitAsync(int keep)
    {
        foreach (var stale in _sessions.Values.OrderByDescending(s => s.LastUsedAt).Skip(Math.Max(keep, 0)).ToList())
        {
            await RevokeAsync(stale, SessionEndReason.Evicted);
            await audit.WriteAsync(new AuditEntry(AuditActions.SessionEvicted, stale.UserId, null, "session", stale.Id.ToString()));
        }
    }

    private async Task RevokeAsync(SessionRow session, SessionEndReason reason)
    {
        // Memory first, so a session check interleaving with this write is already refused; put back if the write
        // fails, so the grain never answers differently from the database.
        _sessions.Remove(session.Id);
        try
        {
            await store.RevokeSessionAsync(session.Id, Now, reason.ToString().ToLowerInvariant());
        }
        catch
        {
            _sessions.TryAdd(session.Id, session);
            throw;
        }
    }

    /// <summary>Records when a session was last seen; a failed write costs the request nothing and is retried next time (never throws).</summary>
    private async Task TouchAsync(SessionRow session, DateTime now)
    {
        if (!_touching.Add(session.Id))
        {
            return;
        }

        try
        {
            await store.TouchSessionAsync(session.Id, now);
            session.LastSeenAt = now;
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Could not record last_seen_at of session {SessionId}", session.Id);
        }
        finally
        {
            _touching.Remove(session.Id);
        }
    }

    private RateLimitDecision TakeRequest(string group, string tier, DateTime now)
    {
        if (!_rateBuckets.TryGetValue(group, out var bucket))
        {
            _rateBuckets[group] = bucket = new GcraBucket();
        }

        var policy = new RateLimitPolicy(group, tiers.Value.For(tier).RequestsPerMinuteFor(group), RateLimitPolicy.MinuteSeconds);
        return bucket.Decide(policy, now, take: true);
    }

    private UserRow RequireUser() => _user ?? throw new DomainException(ErrorCodes.UserNotFound, "This user does not exist.");

    // The tier comes only from the plan billing handed over (none: free), evaluated now: each entry of the timeline
    // takes over at its time, so a cancelled subscription lapsing at its ends_at needs no event.
    private UserAccount ToAccount(UserRow user)
    {
        var plan = UserPlan.At(_plan, new DateTimeOffset(Now));
        return new(user.Id, user.Email, user.Role, plan.Tier, plan.SubscriptionStatus, plan.SubscriptionId, plan.RenewsAt, plan.EndsAt);
    }

    private UserProfile ToProfile(UserRow user) => new(
        user.Id, user.Email, user.DisplayName, user.AvatarUrl, user.Preferences, user.Role, user.EmailVerified, ToAccount(user).Tier, user.CreatedAt.AsUtc(), user.UpdatedAt.AsUtc(), user.Username);
}
