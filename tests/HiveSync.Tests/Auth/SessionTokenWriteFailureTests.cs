using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Auth;

/// <summary>
/// The grain write rule on one-time login tokens: when the token's grain-state write really fails (PostgreSQL
/// refuses it), the route answers an error, the token's grain answers what storage holds, and a retry succeeds.
/// </summary>
public sealed class SessionTokenWriteFailureTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task An_exchange_whose_used_mark_fails_to_write_leaves_the_token_unused_and_the_retry_signs_in_once()
    {
        var device = await silo.RegisterAsync();
        using var browser = silo.CookielessClient();
        var (_, token) = await browser.CreateSessionTokenAsync(device.AccessToken);

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "orleansstorage"))
        {
            using var failed = await browser.ExchangeAsync(token);
            await failed.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        }

        Assert.Null(UsedAt(await SessionTokenTestKit.TokenStateAsync(silo.ConnectionString, token)));
        Assert.DoesNotContain(await SessionTokenTestKit.SessionKindsAsync(silo.ConnectionString, device.UserId), s => s.Kind == "cookie");

        var web = await browser.ExchangeForSessionAsync(token); // storage says unused, and so does the grain

        Assert.Equal(device.UserId, web.UserId);
        Assert.NotNull(UsedAt(await SessionTokenTestKit.TokenStateAsync(silo.ConnectionString, token)));
        using var again = await browser.ExchangeAsync(token);
        await again.AssertGoneAsync();
        Assert.Single(await SessionTokenTestKit.SessionKindsAsync(silo.ConnectionString, device.UserId), s => s.Kind == "cookie");
    }

    [Fact]
    public async Task Issuing_a_token_whose_write_fails_answers_an_error_stores_nothing_and_the_next_issue_works()
    {
        var device = await silo.RegisterAsync();
        var before = await StoredTokensAsync();

        await using (await FailingWrites.OnAsync(silo.ConnectionString, "orleansstorage"))
        {
            using var client = silo.CookielessClient();
            using var failed = await client.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-token") { Bearer = device.AccessToken });
            await failed.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        }

        Assert.Equal(before, await StoredTokensAsync());

        using var browser = silo.CookielessClient();
        var (_, token) = await browser.CreateSessionTokenAsync(device.AccessToken);
        Assert.Equal(device.UserId, (await browser.ExchangeForSessionAsync(token)).UserId);
    }

    /// <summary>The stored state's used mark (null: unused); the state must exist.</summary>
    private static string? UsedAt(string? stateJson)
    {
        Assert.False(string.IsNullOrEmpty(stateJson));
        return JsonNode.Parse(stateJson)!["UsedAt"]?.ToString();
    }

    private async Task<long> StoredTokensAsync()
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM orleansstorage WHERE graintypestring = 'session-token' AND payloadbinary IS NOT NULL");
    }
}
