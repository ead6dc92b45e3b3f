using Dapper;
using Npgsql;

namespace HiveSync.Grains.Auth;

public sealed class UserRow
{
    public long Id { get; set; }

    public string Email { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public string? DisplayName { get; set; }

    public string? AvatarUrl { get; set; }

    public string? Username { get; set; }

    public string Preferences { get; set; } = "{}";

    public string Role { get; set; } = "user";

    public bool EmailVerified { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>A changed copy stamped at <paramref name="now"/>: the grain writes the copy, then keeps it, never the reverse.</summary>
    public UserRow With(Action<UserRow> change, DateTime now)
    {
        var copy = (UserRow)MemberwiseClone();
        change(copy);
        copy.UpdatedAt = now;
        return copy;
    }
}

/// <summary>Values of <c>device_sessions.kind</c>.</summary>
public static class SessionKinds
{
    /// <summary>A device signed in with a password: refreshable with its refresh token.</summary>
    public const string Device = "device";

    /// <summary>The web frontend's cookie session, opened by a one-time login link: fixed expiry.</summary>
    public const string Cookie = "cookie";
}

public sealed class SessionRow
{
    public Guid Id { get; set; }

    public long UserId { get; set; }

    public string Kind { get; set; } = SessionKinds.Device;

    public string? DeviceName { get; set; }

    public string? UserAgent { get; set; }

    public string? IpAddress { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime LastSeenAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    /// <summary>The generation of the session's current refresh token; null: a cookie session, or a hashed token (issued before).</summary>
    public long? RefreshGeneration { get; set; }

    /// <summary>
    /// When the session was last used, to the request: not a column. <see cref="LastSeenAt"/> is what is stored and
    /// shown (written at most once a minute); this only orders evictions (least recently used first).
    /// </summary>
    public DateTime LastUsedAt
    {
        get => field < LastSeenAt ? LastSeenAt : field;
        set;
    }

    /// <summary>The session after a refresh at <paramref name="now"/>: extended, at the next generation, with the caller's latest address.</summary>
    public SessionRow Renewed(DateTime now, TimeSpan lifetime, HiveSync.Grains.Interfaces.Auth.DeviceInfo device)
    {
        var renewed = (SessionRow)MemberwiseClone();
        renewed.LastSeenAt = now;
        renewed.ExpiresAt = now + lifetime;
        renewed.RefreshGeneration = (RefreshGeneration ?? 0) + 1;
        renewed.IpAddress = device.IpAddress ?? IpAddress;
        renewed.UserAgent = device.UserAgent ?? UserAgent;
        return renewed;
    }
}

public sealed record RefreshTokenRow(Guid SessionId, long UserId, DateTime ExpiresAt, DateTime? UsedAt);

/// <summary>What a refresh did with the presented token (<see cref="UserStore.RenewSessionAsync"/>, <see cref="UserStore.SpendHashedRefreshTokenAsync"/>).</summary>
public enum RefreshOutcome
{
    Rotated,
    Spent,
    Unknown,
    Expired,
}

/// <summary>SQL for users, device sessions and refresh tokens. Only <see cref="UserGrain"/> writes through it.</summary>
public sealed partial class UserStore(NpgsqlDataSource db)
{
    static UserStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Inserts a user; null when the email is taken.</summary>
    public async Task<long?> FindUserIdByEmailAsync(string email)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT id FROM users WHERE email = @email", new { email });
    }

    public async Task<IReadOnlyList<Interfaces.Auth.UserCard>> DescribeUsersAsync(IReadOnlyList<long> ids)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<Interfaces.Auth.UserCard>(
            "SELECT id, email, display_name AS displayname, username FROM users WHERE id = ANY(@ids)", new { ids = ids.ToArray() });
        return rows.AsList();
    }

    public async Task<UserRow?> LoadUserAsync(long id)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<UserRow>(
            "SELECT id, email, password_hash, display_name, avatar_url, username, preferences::text AS preferences, role, email_verified, created_at, updated_at FROM users WHERE id = @id",
            new { id });
    }

    public async Task<List<SessionRow>> LoadLiveSessionsAsync(long userId, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<SessionRow>(
            """
            SELECT id, user_id, kind, device_name, user_agent, ip_address, created_at, last_seen_at, expires_at, refresh_generation
            FROM device_sessions WHERE user_id = @userId AND revoked_at IS NULL AND expires_at > @now
            """,
            new { userId, now });
        return rows.AsList();
    }

    /// <summary>A device session (refreshable, from generation 0) or a cookie session (no refresh token, fixed expiry).</summary>
    public async Task CreateSessionAsync(SessionRow session)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO device_sessions (id, user_id, kind, device_name, user_agent, ip_address, created_at, last_seen_at, expires_at, refresh_generation)
            VALUES (@Id, @UserId, @Kind, @DeviceName, @UserAgent, @IpAddress, @CreatedAt, @LastSeenAt, @ExpiresAt, @RefreshGeneration)
            """,
            session);
    }

    /// <summary>The plan timeline billing last handed over (<c>IUserGrain.SetPlan</c>); none: empty (free).</summary>
    public async Task<IReadOnlyList<Interfaces.Auth.UserPlan>> LoadPlanAsync(long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var json = await connection.ExecuteScalarAsync<string?>("SELECT timeline::text FROM user_plans WHERE user_id = @userId", new { userId });
        return json is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<Interfaces.Auth.UserPlan>>(json)!;
    }

    public async Task SavePlanAsync(long userId, IReadOnlyList<Interfaces.Auth.UserPlan> timeline, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO user_plans (user_id, timeline, updated_at) VALUES (@userId, @timeline::jsonb, @now)
            ON CONFLICT (user_id) DO UPDATE SET timeline = EXCLUDED.timeline, updated_at = EXCLUDED.updated_at
            """,
            new { userId, timeline = System.Text.Json.JsonSerializer.Serialize(timeline), now });
    }

    /// <summary>
    /// Renews a session whose current token is of generation <paramref name="presented"/> and moves it to the renewed
    /// row's generation, in one statement: only if the session is live and still at that generation. Otherwise the
    /// answer says why not (a later generation was issued: the presented token is spent).
    /// </summary>
    public async Task<RefreshOutcome> RenewSessionAsync(SessionRow renewed, long presented)
    {
        await using var connection = await db.OpenConnectionAsync();
        var parameters = RenewalOf(renewed);
        parameters.Add(nameof(presented), presented);
        return ReadOutcome(await connection.ExecuteScalarAsync<string?>(
            $"""
            WITH renewed AS (
                UPDATE device_sessions SET {RenewedColumns}
                WHERE id = @Id AND refresh_generation = @presented AND revoked_at IS NULL AND expires_at > @LastSeenAt
                RETURNING id
            )
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM renewed) THEN 'rotated'
                ELSE (SELECT CASE
                    WHEN revoked_at IS NOT NULL THEN 'unknown'
                    WHEN refresh_generation > @presented THEN 'spent'
                    WHEN expires_at <= @LastSeenAt THEN 'expired'
                    ELSE 'unknown' END
                    FROM device_sessions WHERE id = @Id)
            END
            """,
            parameters));
    }

    /// <summary>
    /// Spends a hashed refresh token (issued before tokens were signed) and renews its session at the renewed row's
    /// generation, in one statement: only if the token is this session's, live and unused. Otherwise the answer says
    /// why not: spent before (reuse), never issued for this session, or expired. Used rows are kept until they expire,
    /// so a replay is still recognised; each rotation prunes the session's expired ones.
    /// </summary>
    public async Task<RefreshOutcome> SpendHashedRefreshTokenAsync(SessionRow renewed, byte[] presentedHash)
    {
        await using var connection = await db.OpenConnectionAsync();
        var parameters = RenewalOf(renewed);
        parameters.Add(nameof(presentedHash), presentedHash);
        return ReadOutcome(await connection.ExecuteScalarAsync<string?>(
            $"""
            WITH presented AS (
                SELECT used_at, expires_at FROM refresh_tokens WHERE token_hash = @presentedHash AND session_id = @Id
            ), spent AS (
                UPDATE refresh_tokens SET used_at = @LastSeenAt
                WHERE token_hash = @presentedHash AND session_id = @Id AND used_at IS NULL AND expires_at > @LastSeenAt
                RETURNING session_id
            ), renewed AS (
                UPDATE device_sessions SET {RenewedColumns}
                WHERE id IN (SELECT session_id FROM spent)
            ), pruned AS (
                DELETE FROM refresh_tokens WHERE session_id IN (SELECT session_id FROM spent) AND expires_at < @LastSeenAt AND token_hash <> @presentedHash
            )
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM spent) THEN 'rotated'
                WHEN NOT EXISTS (SELECT 1 FROM presented) THEN 'unknown'
                WHEN (SELECT used_at FROM presented) IS NOT NULL THEN 'spent'
                ELSE 'expired'
            END
            """,
            parameters));
    }

    /// <summary>When a live (unrevoked) session of the user expires, or expired; null when there is none.</summary>
    public async Task<DateTime?> FindSessionExpiryAsync(Guid sessionId, long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<DateTime?>(
            "SELECT expires_at FROM device_sessions WHERE id = @sessionId AND user_id = @userId AND revoked_at IS NULL", new { sessionId, userId });
    }

    public async Task<RefreshTokenRow?> FindRefreshTokenAsync(byte[] tokenHash)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<RefreshTokenRow>(
            "SELECT session_id AS SessionId, user_id AS UserId, expires_at AS ExpiresAt, used_at AS UsedAt FROM refresh_tokens WHERE token_hash = @tokenHash",
            new { tokenHash });
    }

    /// <summary>Revokes a session and deletes its refresh tokens (none of them may work again).</summary>
    public async Task RevokeSessionAsync(Guid sessionId, DateTime now, string reason)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            UPDATE device_sessions SET revoked_at = @now, revoke_reason = @reason WHERE id = @sessionId AND revoked_at IS NULL;
            DELETE FROM refresh_tokens WHERE session_id = @sessionId;
            """,
            new { sessionId, now, reason });
    }

    public async Task TouchSessionAsync(Guid sessionId, DateTime lastSeenAt)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE device_sessions SET last_seen_at = @lastSeenAt WHERE id = @sessionId AND last_seen_at < @lastSeenAt", new { sessionId, lastSeenAt });
    }

    /// <summary>Writes the profile's fields; false when the username is someone else's (nothing is written).</summary>
    public async Task<bool> UpdateProfileAsync(UserRow user)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            await connection.ExecuteAsync(
                "UPDATE users SET display_name = @DisplayName, avatar_url = @AvatarUrl, username = @Username, preferences = @Preferences::jsonb, updated_at = @UpdatedAt WHERE id = @Id",
                user);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    public async Task<long?> FindUserIdByUsernameAsync(string username)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT id FROM users WHERE lower(username) = lower(@username)", new { username });
    }

    public async Task UpdatePasswordHashAsync(UserRow user)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE users SET password_hash = @PasswordHash, updated_at = @UpdatedAt WHERE id = @Id", user);
    }

    /// <summary>
    /// Sets a user's role with its audit entry in one transaction, which also tells running silos
    /// (<see cref="UserChanges.Channel"/>, delivered on commit). Null when no account has the email.
    /// </summary>
    public async Task<RoleChange?> SetRoleAsync(string email, string role, DateTime now, Func<RoleChange, Audit.AuditEntry> audit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var current = await connection.QuerySingleOrDefaultAsync<(long Id, string Role)?>(
            "SELECT id, role FROM users WHERE email = @email FOR UPDATE", new { email }, tx);
        if (current is not { } user)
        {
            return null;
        }

        var change = new RoleChange(user.Id, user.Role, role);
        if (change.Changed)
        {
            await connection.ExecuteAsync(
                "UPDATE users SET role = @role, updated_at = @now WHERE id = @id",
                new { role, now, id = user.Id },
                tx);
            await Audit.AuditLog.WriteAsync(audit(change), connection, tx);
        }

        await connection.ExecuteAsync("SELECT pg_notify(@channel, @id::text)", new { channel = UserChanges.Channel, id = user.Id }, tx);
        await tx.CommitAsync();
        return change;
    }

    // What a refresh changes in its session's row, whichever form of token it presented.
    private const string RenewedColumns = "refresh_generation = @RefreshGeneration, expires_at = @ExpiresAt, last_seen_at = @LastSeenAt, ip_address = @IpAddress, user_agent = @UserAgent";

    private static DynamicParameters RenewalOf(SessionRow renewed) =>
        new(new { renewed.Id, renewed.RefreshGeneration, renewed.LastSeenAt, renewed.ExpiresAt, renewed.IpAddress, renewed.UserAgent });

    private static RefreshOutcome ReadOutcome(string? outcome) => outcome switch
    {
        "rotated" => RefreshOutcome.Rotated,
        "spent" => RefreshOutcome.Spent,
        "expired" => RefreshOutcome.Expired,
        _ => RefreshOutcome.Unknown,
    };
}
