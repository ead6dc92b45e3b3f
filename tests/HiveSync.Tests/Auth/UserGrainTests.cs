using Dapper;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Auth;

/// <summary>The real auth grains with few sessions per user and a known refresh lifetime.</summary>
public sealed class UserGrainCluster : GrainTestCluster
{
    public const int MaxSessions = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Auth:PasswordHashIterations", "2000"), // above the 1000 of the weak hash a test plants
        new("Auth:MaxSessionsPerUser", MaxSessions.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Auth:RefreshTokenLifetime", "30.00:00:00"),
    ];
}

public sealed class UserGrainTests(UserGrainCluster fixture) : IClassFixture<UserGrainCluster>
{
    private static readonly DeviceInfo Device = new("tests", "127.0.0.1", "grain test");

    [Fact]
    public async Task A_session_not_refreshed_within_the_refresh_lifetime_expires()
    {
        var session = await RegisterAsync();
        var user = fixture.Grains.GetGrain<IUserGrain>(session.User.Id);
        Assert.Equal(SessionCheckResult.Active, (await user.CheckSession(session.SessionId)).Result);

        fixture.Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));

        Assert.Equal(SessionCheckResult.Expired, (await user.CheckSession(session.SessionId)).Result);
        var refresh = await Assert.ThrowsAsync<DomainException>(() => Accounts.Refresh(session.RefreshToken, Device));
        Assert.Equal(ErrorCodes.AuthTokenExpired.Code, refresh.Code);

        // A new activation no longer holds the session: the genuine token still learns that it expired, a forged one does not.
        await fixture.Cluster.DeactivateAsync(user);
        var reloaded = await Assert.ThrowsAsync<DomainException>(() => Accounts.Refresh(session.RefreshToken, Device));
        Assert.Equal(ErrorCodes.AuthTokenExpired.Code, reloaded.Code);
        var forged = AuthTestKit.WithForgedSecret(session.RefreshToken);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Accounts.Refresh(forged, Device));
        Assert.Equal(ErrorCodes.AuthTokenInvalid.Code, refused.Code);
    }

    [Fact]
    public async Task A_reactivated_user_grain_reloads_its_live_sessions_from_postgresql()
    {
        var session = await RegisterAsync();
        var user = fixture.Grains.GetGrain<IUserGrain>(session.User.Id);
        var other = await Accounts.SignIn(session.User.Email, Password, Device);
        await user.EndSession(other.SessionId, SessionEndReason.Revoked, Device);

        await fixture.Cluster.DeactivateAsync(user);

        Assert.Equal(SessionCheckResult.Active, (await user.CheckSession(session.SessionId)).Result);
        Assert.Equal(SessionCheckResult.Revoked, (await user.CheckSession(other.SessionId)).Result);
        Assert.Equal([session.SessionId], (await user.ListSessions()).Select(s => s.Id));
    }

    [Fact]
    public async Task Opening_a_session_beyond_the_limit_ends_the_least_recently_used()
    {
        var first = await RegisterAsync();
        var user = fixture.Grains.GetGrain<IUserGrain>(first.User.Id);
        var sessions = new List<Guid> { first.SessionId };
        for (var i = 1; i < UserGrainCluster.MaxSessions; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
            sessions.Add((await Accounts.SignIn(first.User.Email, Password, Device)).SessionId);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await user.CheckSession(first.SessionId); // the oldest is now the most recently used
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var newest = await Accounts.SignIn(first.User.Email, Password, Device);

        var live = (await user.ListSessions()).Select(s => s.Id).ToHashSet();
        Assert.Equal(UserGrainCluster.MaxSessions, live.Count);
        Assert.Contains(first.SessionId, live);
        Assert.Contains(newest.SessionId, live);
        Assert.DoesNotContain(sessions[1], live);
        Assert.Equal(SessionCheckResult.Revoked, (await user.CheckSession(sessions[1])).Result);
    }

    [Fact]
    public async Task Last_seen_is_written_to_postgresql_at_most_once_a_minute()
    {
        var session = await RegisterAsync();
        var user = fixture.Grains.GetGrain<IUserGrain>(session.User.Id);
        var created = await LastSeenAsync(session.SessionId);

        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        await user.CheckSession(session.SessionId);
        Assert.Equal(created, await LastSeenAsync(session.SessionId));

        fixture.Time.Advance(TimeSpan.FromSeconds(41));
        await user.CheckSession(session.SessionId);
        Assert.True(await Eventually.HoldsAsync(async () => await LastSeenAsync(session.SessionId) > created)); // written in the background
    }

    [Fact]
    public async Task A_password_hashed_with_fewer_iterations_is_rehashed_at_the_next_sign_in()
    {
        var session = await RegisterAsync();
        var weak = new Microsoft.AspNetCore.Identity.PasswordHasher<object>(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.AspNetCore.Identity.PasswordHasherOptions { IterationCount = 1000 })).HashPassword(new object(), Password);
        await using (var connection = await fixture.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE users SET password_hash = @weak WHERE id = @id", new { weak, id = session.User.Id });
        }

        await fixture.Cluster.DeactivateAsync(fixture.Grains.GetGrain<IUserGrain>(session.User.Id));

        await Accounts.SignIn(session.User.Email, Password, Device);

        await using var read = await fixture.Database.OpenConnectionAsync();
        var stored = await read.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE id = @id", new { id = session.User.Id });
        Assert.NotEqual(weak, stored);
        await Accounts.SignIn(session.User.Email, Password, Device); // the upgraded hash still verifies
    }

    [Fact]
    public async Task A_sign_in_verified_against_a_hash_that_has_changed_since_opens_no_session()
    {
        var session = await RegisterAsync();
        var user = fixture.Grains.GetGrain<IUserGrain>(session.User.Id);
        var checkedHash = await user.GetPasswordHash();
        var staleHash = checkedHash + "x"; // what the accounts grain verified before a reset changed the password

        var refused = await Assert.ThrowsAsync<DomainException>(() => user.SignIn(staleHash, null, Device));

        Assert.Equal(ErrorCodes.AuthInvalidCredentials.Code, refused.Code);
        Assert.Single(await user.ListSessions());
        await user.SignIn(checkedHash!, null, Device); // the current hash still opens one
        Assert.Equal(2, (await user.ListSessions()).Count);
    }

    private const string Password = "correct horse battery";

    private IAccountsGrain Accounts => fixture.Grains.GetGrain<IAccountsGrain>(0);

    private Task<IssuedSession> RegisterAsync() =>
        Accounts.Register(new Registration($"grain-{Guid.NewGuid():N}@example.com", Password, null), Device);

    private async Task<DateTime> LastSeenAsync(Guid sessionId)
    {
        await using var connection = await fixture.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<DateTime>("SELECT last_seen_at FROM device_sessions WHERE id = @sessionId", new { sessionId });
    }
}
