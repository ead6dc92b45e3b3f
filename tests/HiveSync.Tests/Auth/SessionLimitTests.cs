using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Auth;

/// <summary>A silo that keeps at most two live sessions per user.</summary>
public sealed class TwoSessionSilo : TestSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:MaxSessionsPerUser", "2")];
}

public sealed class SessionLimitTests(TwoSessionSilo silo) : IClassFixture<TwoSessionSilo>
{
    [Fact]
    public async Task Opening_a_session_beyond_the_limit_ends_the_least_recently_used_one()
    {
        var oldest = await silo.RegisterAsync();
        var idle = await silo.LoginAsync(oldest.Email, oldest.Password);
        await silo.AssertAcceptedAsync(oldest.AccessToken); // the oldest is used again: the newer one is now the idle one

        var newest = await silo.LoginAsync(oldest.Email, oldest.Password);

        await silo.AssertRefusedAsync(idle.AccessToken, "AUTH_SESSION_REVOKED");
        await silo.AssertAcceptedAsync(oldest.AccessToken);
        await silo.AssertAcceptedAsync(newest.AccessToken);
        var evicted = Assert.Single(await silo.SessionRowsAsync(oldest.UserId), s => s.Id == idle.SessionId);
        Assert.Equal("evicted", evicted.RevokeReason);
        var audit = Assert.Single(await silo.AuditRowsAsync("auth.session.evicted", actorUserId: oldest.UserId));
        Assert.Equal(idle.SessionId.ToString(), audit.SubjectId);
    }
}
