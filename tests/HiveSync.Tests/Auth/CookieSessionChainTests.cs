using Dapper;

namespace HiveSync.Tests.Auth;

/// <summary>A login link minted by a cookie session opens a session that ends no later than its parent.</summary>
public sealed class CookieSessionChainTests(InsecureCookieSilo silo) : IClassFixture<InsecureCookieSilo>
{
    private async Task<DateTime> ExpiresAtAsync(long userId, string kind, int index)
    {
        await using var db = new Npgsql.NpgsqlConnection(silo.ConnectionString);
        await db.OpenAsync();
        var expiries = (await db.QueryAsync<DateTime>("SELECT expires_at FROM device_sessions WHERE user_id = @userId AND kind = @kind ORDER BY created_at, id", new { userId, kind })).ToList();
        return expiries[index];
    }

    [Fact]
    public async Task A_cookie_session_cannot_mint_a_longer_lived_cookie_session()
    {
        var (device, parent) = await silo.SignInOnTheWebAsync();
        using var client = silo.CookielessClient();

        using var minted = await silo.SendAsWebAsync(parent, HttpMethod.Post, "/api/v1/auth/session-token", csrf: parent.CsrfCookie);
        var url = (await minted.AssertOkJsonAsync())["url"]!.GetValue<string>();
        var child = await client.ExchangeForSessionAsync(url[(url.LastIndexOf('/') + 1)..]);

        Assert.Equal(await ExpiresAtAsync(device.UserId, "cookie", 0), await ExpiresAtAsync(device.UserId, "cookie", 1));
        using var me = await silo.SendAsWebAsync(child, HttpMethod.Get, "/api/v1/user/me");
        await me.AssertOkJsonAsync();
    }

    [Fact]
    public async Task A_device_session_still_mints_a_cookie_session_of_the_full_lifetime()
    {
        var (device, _) = await silo.SignInOnTheWebAsync();

        var cookieExpires = await ExpiresAtAsync(device.UserId, "cookie", 0);

        Assert.True(cookieExpires > await ExpiresAtAsync(device.UserId, "device", 0), "a device session's link is not capped at that device session's (sliding) expiry");
    }
}
