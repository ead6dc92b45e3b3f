using System.Net;

namespace HiveSync.Tests.Platform;

/// <summary>A silo process as operators see it: its log lines and its shutdown.</summary>
public sealed class SiloLifecycleTests
{
    [Fact]
    public async Task A_default_run_prints_hivesync_lines_and_warnings_but_not_the_framework_routine()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(SiloLifecycleTests) + "Default", processes: 1);
        var silo = cluster.Processes[0];

        // Every request places grains (the Polly line per placement) and runs the whole ASP.NET Core pipeline.
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var token = (await http.RegisterAsync("console@example.com")).AccessToken;
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me") { Bearer = token })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/user/me"))).StatusCode);

        // Failures are access-logged by default, quick successes only at Debug (the console must not throttle a busy silo);
        // the console keeps the order of the lines, so once the 401's line is there the 200 would have been too.
        Assert.True(await Eventually.HoldsAsync(() => silo.Output.Contains("HTTP GET /api/v1/user/me answered 401", StringComparison.Ordinal)), silo.Output);
        Assert.DoesNotContain("HTTP GET /api/v1/user/me answered 200", silo.Output, StringComparison.Ordinal);

        var output = silo.Output;
        Assert.Contains($"HiveSync API:           {silo.BaseAddress.ToString().TrimEnd('/')}/api/v1", output, StringComparison.Ordinal);
        Assert.Contains("Using the PostgreSQL database from ConnectionStrings:Postgres", output, StringComparison.Ordinal);
        Assert.Contains($"is a member of cluster {cluster.ClusterId}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Resilience pipeline executed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Orleans.Runtime.SiloOptionsLogger", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Configuration Orleans.Configuration.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting HTTP/1.1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("info: Microsoft.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("info: Orleans.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_lines_carry_the_request_id_and_sigterm_leaves_the_cluster_cleanly()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(SiloLifecycleTests), processes: 1, new Dictionary<string, string>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information", // the framework's lines of a request carry its id too
            ["Logging:LogLevel:HiveSync.WebApi.Platform.RequestIdMiddleware"] = "Debug", // every request's line, successes too
            ["Logging:LogLevel:HiveSync.WebApi.Platform.Auth"] = "Debug", // the refusal of the credentials
        });
        var silo = cluster.Processes[0];

        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/auth/me") { RequestId = "trace-me-123" })).StatusCode);
        // The console logger writes on its own thread: wait for the line, however busy the machine.
        Assert.True(await Eventually.HoldsAsync(() => silo.Output.Contains("answered 401", StringComparison.Ordinal)), silo.Output);
        var lines = silo.Output.Split('\n').Where(l => l.Contains("trace-me-123", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 2, silo.Output); // the refusal and the access-log line at least
        Assert.All(lines, l => Assert.Contains("RequestId:trace-me-123", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("HTTP GET /api/v1/auth/me answered 401", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new TestRequest(HttpMethod.Get, "/health/live") { RequestId = "quick-ok-456" })).StatusCode);
        Assert.True(await Eventually.HoldsAsync(() => silo.Output.Contains("RequestId:quick-ok-456 HTTP GET /health/live answered 200", StringComparison.Ordinal)), silo.Output);
        Assert.Contains(silo.Output.Split('\n'), l => l.Contains("RequestId:quick-ok-456", StringComparison.Ordinal) && l.Contains("Executing endpoint", StringComparison.Ordinal)); // the framework's own line

        await cluster.TerminateAsync(silo); // SIGTERM, and a clean exit
        await using var connection = new Npgsql.NpgsqlConnection(cluster.Database);
        await connection.OpenAsync();
        await using var status = new Npgsql.NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE deploymentid = $1", connection);
        status.Parameters.AddWithValue(cluster.ClusterId);
        Assert.Equal(6, await status.ExecuteScalarAsync()); // Dead: it said goodbye instead of being voted out
    }
}
