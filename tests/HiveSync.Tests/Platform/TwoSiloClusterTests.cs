using System.Net;
using System.Text.Json;

namespace HiveSync.Tests.Platform;

/// <summary>Two silo processes on one PostgreSQL form one cluster and serve the same state.</summary>
public sealed class TwoSiloClusterTests
{
    [Fact]
    public async Task A_write_through_one_silo_is_read_through_the_other_and_survives_the_first_silo_dying()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(TwoSiloClusterTests), processes: 2);
        var (first, second) = (cluster.Processes[0], cluster.Processes[1]);
        using var viaFirst = new HttpClient { BaseAddress = first.BaseAddress };
        using var viaSecond = new HttpClient { BaseAddress = second.BaseAddress };

        // Register and write the profile through the first silo (tokens are signed with the cluster's shared key).
        var token = (await viaFirst.RegisterAsync("two@example.com")).AccessToken;
        var patched = await viaFirst.SendAsync(new TestRequest(HttpMethod.Patch, "/api/v1/profile") { Body = "{\"display_name\": \"Written via silo one\"}", Bearer = token });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        // Read it back through the second silo: same grain, same state.
        var readBack = await (await viaSecond.SendAsync(Profile(token))).ReadJsonAsync();
        Assert.Equal("Written via silo one", readBack["data"]!["display_name"]!.GetValue<string>());

        // Both silos see each other as active members.
        Assert.Equal(2, await cluster.ActiveSilosAsync());

        // Logout through the second silo: the first silo refuses the token at once (one session owner).
        Assert.Equal(HttpStatusCode.NoContent, (await viaSecond.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/logout") { Bearer = token })).StatusCode);
        await (await viaFirst.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/auth/me") { Bearer = token })).AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");

        // Kill the first silo: what it acknowledged is still there through the second. Until the cluster
        // declares it dead, calls to grains it hosted answer 503 with Retry-After (never 500).
        cluster.Kill(first);
        var login = await RetryWhileUnavailableAsync(() => viaSecond.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login")
        {
            Body = JsonSerializer.Serialize(new { email = "two@example.com", password = ApiCalls.Password }),
        }));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var newToken = (await login.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();
        var afterCrash = await (await RetryWhileUnavailableAsync(() => viaSecond.SendAsync(Profile(newToken)))).ReadJsonAsync();
        Assert.Equal("Written via silo one", afterCrash["data"]!["display_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_postgresql_binaries_the_silo_stops_with_a_message_saying_what_to_install()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(TwoSiloClusterTests) + "NoPostgres", processes: 0);
        var silo = cluster.StartProcess(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = "", // no database configured: the silo starts its own PostgreSQL, from binaries that are not there
            ["Postgres:BinDirectory"] = "/nonexistent/postgresql/bin",
            ["Postgres:DataDirectory"] = Path.Combine(Path.GetTempPath(), "hivesync-no-pg-" + Guid.NewGuid().ToString("N")),
        });

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("apt-get install -y postgresql", silo.Output, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Postgres", silo.Output, StringComparison.Ordinal);
    }

    private static TestRequest Profile(string token) => new(HttpMethod.Get, "/api/v1/profile") { Bearer = token };

    private static async Task<HttpResponseMessage> RetryWhileUnavailableAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.True(response.Headers.RetryAfter is not null, "503 without Retry-After");
            await Task.Delay(1000);
        }
    }
}
