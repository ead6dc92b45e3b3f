using System.Diagnostics;
using System.Net;

namespace HiveSync.Tests.Platform;

/// <summary>A silo process as operators see it: its log lines and its shutdown.</summary>
public sealed class SiloLifecycleTests
{
    [Fact]
    public async Task Log_lines_carry_the_request_id_and_sigterm_leaves_the_cluster_cleanly()
    {
        var database = await TestPostgres.CreateDatabaseAsync(nameof(SiloLifecycleTests));
        await using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:ClusterId"] = "lifecycle",
            ["Logging:LogLevel:Default"] = "Information",
        });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));

        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.Add("X-Request-Id", "trace-me-123");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(request)).StatusCode);
        // The console logger writes on its own thread: wait for the line, however busy the machine.
        Assert.True(await Eventually.HoldsAsync(() => silo.Output.Contains("answered 401", StringComparison.Ordinal)), silo.Output);
        var lines = silo.Output.Split('\n').Where(l => l.Contains("trace-me-123", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 2, silo.Output); // the auth challenge and the access-log line at least
        Assert.All(lines, l => Assert.Contains("RequestId:trace-me-123", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("HTTP GET /api/v1/auth/me answered 401", StringComparison.Ordinal));

        using (var term = Process.Start("kill", ["-TERM", silo.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var status = new Npgsql.NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE deploymentid = 'lifecycle'", connection);
        Assert.Equal(6, await status.ExecuteScalarAsync()); // Dead: it said goodbye instead of being voted out
    }
}
