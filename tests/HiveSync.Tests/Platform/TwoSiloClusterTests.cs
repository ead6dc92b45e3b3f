using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace HiveSync.Tests.Platform;

/// <summary>Two silo processes on one PostgreSQL form one cluster and serve the same state.</summary>
public sealed class TwoSiloClusterTests
{
    [Fact]
    public async Task A_write_through_one_silo_is_read_through_the_other_and_survives_the_first_silo_dying()
    {
        var database = await TestPostgres.CreateDatabaseAsync(nameof(TwoSiloClusterTests));
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:ClusterId"] = "two-silos",
        };
        await using var first = SiloProcess.Start(shared);
        await first.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await using var second = SiloProcess.Start(shared);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(90));

        using var viaFirst = new HttpClient { BaseAddress = first.BaseAddress };
        using var viaSecond = new HttpClient { BaseAddress = second.BaseAddress };

        // Register and write the profile through the first silo (tokens are signed with the cluster's shared key).
        var registered = await viaFirst.PostAsJsonAsync("/api/v1/auth/register", new { email = "two@example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = (await registered.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();
        viaFirst.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        viaSecond.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var patched = await viaFirst.PatchJsonAsync("/api/v1/profile", "{\"display_name\": \"Written via silo one\"}");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        // Read it back through the second silo: same grain, same state.
        var readBack = await (await viaSecond.GetAsync("/api/v1/profile")).ReadJsonAsync();
        Assert.Equal("Written via silo one", readBack["data"]!["display_name"]!.GetValue<string>());

        // Both silos see each other as active members.
        Assert.Equal(2, await ActiveSilosAsync(database));

        // Logout through the second silo: the first silo refuses the token at once (one session owner).
        Assert.Equal(HttpStatusCode.NoContent, (await viaSecond.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        await (await viaFirst.GetAsync("/api/v1/auth/me")).AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");

        // Kill the first silo: what it acknowledged is still there through the second. Until the cluster
        // declares it dead, calls to grains it hosted answer 503 with Retry-After (never 500).
        first.Kill();
        viaSecond.DefaultRequestHeaders.Authorization = null;
        var login = await RetryWhileUnavailableAsync(() => viaSecond.PostAsJsonAsync("/api/v1/auth/login", new { email = "two@example.com", password = "correct horse battery" }));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        viaSecond.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>());
        var afterCrash = await (await RetryWhileUnavailableAsync(() => viaSecond.GetAsync("/api/v1/profile"))).ReadJsonAsync();
        Assert.Equal("Written via silo one", afterCrash["data"]!["display_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_postgresql_binaries_the_silo_stops_with_a_message_saying_what_to_install()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["Postgres:BinDirectory"] = "/nonexistent/postgresql/bin",
            ["Postgres:DataDirectory"] = Path.Combine(Path.GetTempPath(), "hivesync-no-pg-" + Guid.NewGuid().ToString("N")),
        });

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("apt-get install -y postgresql", silo.Output, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Postgres", silo.Output, StringComparison.Ordinal);
    }

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

    private static async Task<long> ActiveSilosAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = 'two-silos' AND status = 3", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
