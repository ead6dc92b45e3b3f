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
        var recent = await silo.LoginAsync(oldest.Email, oldest.Password);
        await silo.AssertAcceptedAsync(recent.AccessToken);

        var newest = await silo.LoginAsync(oldest.Email, oldest.Password);

        await silo.AssertRefusedAsync(oldest.AccessToken, "AUTH_SESSION_REVOKED");
        await silo.AssertAcceptedAsync(recent.AccessToken);
        await silo.AssertAcceptedAsync(newest.AccessToken);
        var evicted = Assert.Single(await silo.SessionRowsAsync(oldest.UserId), s => s.Id == oldest.SessionId);
        Assert.Equal("evicted", evicted.RevokeReason);
        var audit = Assert.Single(await silo.AuditRowsAsync("auth.session.evicted", actorUserId: oldest.UserId));
        Assert.Equal(oldest.SessionId.ToString(), audit.SubjectId);
    }
}
