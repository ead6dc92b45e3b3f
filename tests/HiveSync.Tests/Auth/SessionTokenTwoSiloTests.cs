using System.Net;
using HiveSync.Tests.Platform;
using Xunit.Abstractions;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>Exactly once across a cluster: one token, many exchanges through two silo processes at once, healthy or not.</summary>
public sealed class SessionTokenTwoSiloTests(ITestOutputHelper output)
{
    private const int Exchanges = 40;

    [Fact]
    public async Task Forty_parallel_exchanges_of_one_token_through_two_silos_yield_exactly_one_success_and_one_session()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(SessionTokenTwoSiloTests), processes: 2);
        using var viaFirst = CookielessClient(cluster.Processes[0].BaseAddress);
        using var viaSecond = CookielessClient(cluster.Processes[1].BaseAddress);

        var user = await viaFirst.RegisterAsync("web@example.com", AuthTestKit.Password);
        var (userId, accessToken) = (user.UserId, user.AccessToken);

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
                using var me = await client.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me") { Cookie = cookieHeader });
                Assert.Equal(userId, (await me.AssertOkJsonAsync())["id"]!.GetValue<long>());
            }
        }

        Assert.Equal(3, (await SessionKindsAsync(cluster.Database, userId)).Count(k => k.Kind == "cookie"));
    }

    [Fact]
    public async Task A_silo_killed_in_the_middle_of_forty_exchanges_leaves_at_most_one_success_one_session_and_a_spent_token()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(SessionTokenTwoSiloTests) + "Kill", processes: 2);
        var staying = cluster.Processes[0];
        using var viaStaying = CookielessClient(staying.BaseAddress);
        var user = await viaStaying.RegisterAsync("kill-race@example.com", AuthTestKit.Password);
        var (userId, accessToken) = (user.UserId, user.AccessToken);

        for (var round = 0; round < 3; round++)
        {
            // The token is made through the silo that will die, so its grain most likely lives there.
            var doomed = round == 0 ? cluster.Processes[1] : await cluster.AddProcessAsync();
            using var viaDoomed = CookielessClient(doomed.BaseAddress);
            var (_, token) = await viaDoomed.CreateSessionTokenAsync(accessToken);
            var cookieSessionsBefore = (await SessionKindsAsync(cluster.Database, userId)).Count(k => k.Kind == "cookie");

            // 40 exchanges at once, half through each silo; the doomed silo dies as soon as the first one is answered.
            using var start = new SemaphoreSlim(0);
            var answered = new TaskCompletionSource();
            var racing = Enumerable.Range(0, Exchanges).Select(async i =>
            {
                await start.WaitAsync();
                try
                {
                    var response = await (i % 2 == 0 ? viaStaying : viaDoomed).ExchangeAsync(token);
                    if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Gone)
                    {
                        answered.TrySetResult(); // the token is spent: the commit point has passed
                    }

                    return response;
                }
                catch (HttpRequestException)
                {
                    return null; // sent to the silo that died: no answer
                }
            }).ToList();
            start.Release(Exchanges);
            await answered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            cluster.Kill(doomed);
            var answers = (await Task.WhenAll(racing)).OfType<HttpResponseMessage>().ToList();
            output.WriteLine($"round {round}: {Exchanges - answers.Count} exchanges lost with the silo, answers: " +
                string.Join(", ", answers.GroupBy(r => (int)r.StatusCode).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}")));

            var successes = answers.Count(r => r.StatusCode == HttpStatusCode.OK);
            Assert.True(successes <= 1, $"{successes} exchanges of one token succeeded");
            foreach (var refused in answers.Where(r => r.StatusCode != HttpStatusCode.OK))
            {
                if (refused.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    await refused.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                    Assert.NotNull(refused.Headers.RetryAfter);
                }
                else
                {
                    await refused.AssertGoneAsync();
                }
            }

            // After failover the token stays spent, and at most the one winner's session exists.
            await cluster.WaitAllActiveAsync();
            for (var later = 0; later < 3; later++)
            {
                await (await viaStaying.ExchangeAsync(token)).AssertGoneAsync();
            }

            var created = (await SessionKindsAsync(cluster.Database, userId)).Count(k => k.Kind == "cookie") - cookieSessionsBefore;
            Assert.True(created <= 1, $"{created} cookie sessions from one token");
            Assert.True(successes == 0 || created == 1, "a 200 was answered but its session is not in the database");
        }
    }
}
