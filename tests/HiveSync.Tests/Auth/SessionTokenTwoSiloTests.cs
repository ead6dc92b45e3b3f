using System.Net;
using System.Net.Http.Json;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>Exactly once across a cluster: one token, many exchanges through two silo processes at once.</summary>
public sealed class SessionTokenTwoSiloTests
{
    private const int Exchanges = 40;

    [Fact]
    public async Task Forty_parallel_exchanges_of_one_token_through_two_silos_yield_exactly_one_success_and_one_session()
    {
        var database = await TestPostgres.CreateDatabaseAsync(nameof(SessionTokenTwoSiloTests));
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:ClusterId"] = "token-two-silos",
        };
        await using var first = SiloProcess.Start(shared);
        await first.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await using var second = SiloProcess.Start(shared);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(90));
        using var viaFirst = CookielessClient(first.BaseAddress);
        using var viaSecond = CookielessClient(second.BaseAddress);

        var registered = await viaFirst.PostAsJsonAsync("/api/v1/auth/register", new { email = "web@example.com", password = AuthTestKit.Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var body = await registered.ReadJsonAsync();
        var accessToken = body["data"]!["access_token"]!.GetValue<string>();
        var userId = body["data"]!["user"]!["id"]!.GetValue<long>();

        // Several tokens: each is raced by all requests at once, half through each silo.
        for (var round = 0; round < 3; round++)
        {
            var (_, token) = await (round % 2 == 0 ? viaFirst : viaSecond).CreateSessionTokenAsync(accessToken);
            using var start = new SemaphoreSlim(0);
            var racing = Enumerable.Range(0, Exchanges).Select(async i =>
            {
                await start.WaitAsync();
                return await (i % 2 == 0 ? viaFirst : viaSecond).ExchangeAsync(token);
            }).ToList();
            start.Release(Exchanges);
            var responses = await Task.WhenAll(racing);

            var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            foreach (var refused in responses.Where(r => r != winner))
            {
                await refused.AssertGoneAsync();
            }

            // The one session works through either silo.
            var cookies = SetCookies(winner);
            var cookieHeader = $"{SessionCookie}={cookies[SessionCookie].Value}";
            foreach (var client in new[] { viaFirst, viaSecond })
            {
                using var me = await client.SendAsync(Request(HttpMethod.Get, "/api/v1/user/me", cookie: cookieHeader));
                Assert.Equal(userId, (await me.AssertOkJsonAsync())["id"]!.GetValue<long>());
            }
        }

        Assert.Equal(3, (await SessionKindsAsync(database, userId)).Count(k => k.Kind == "cookie"));
    }
}
