using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace HiveSync.Tests.Platform;

/// <summary>A silo process as operators see it: its log lines and its shutdown.</summary>
public sealed class SiloLifecycleTests
{
    [Fact]
    public async Task A_default_run_prints_hivesync_lines_and_warnings_but_not_the_framework_routine()
    {
        var database = await TestPostgres.CreateDatabaseAsync(nameof(SiloLifecycleTests) + "_default");
        await using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:ClusterId"] = "default-logging",
        });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));

        // Every request places grains (the Polly line per placement) and runs the whole ASP.NET Core pipeline.
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var registered = await http.PostAsJsonAsync("/api/v1/auth/register", new { email = "console@example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = (await registered.ReadJsonAsync())["data"]!["access_token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/user/me")).StatusCode);
        Assert.True(await Eventually.HoldsAsync(() => silo.Output.Contains("HTTP GET /api/v1/user/me answered 200", StringComparison.Ordinal)), silo.Output);

        var output = silo.Output;
        Assert.Contains($"HiveSync API:           {silo.BaseAddress.ToString().TrimEnd('/')}/api/v1", output, StringComparison.Ordinal);
        Assert.Contains("Using the PostgreSQL database from ConnectionStrings:Postgres", output, StringComparison.Ordinal);
        Assert.Contains("is a member of cluster default-logging", output, StringComparison.Ordinal);
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
        var database = await TestPostgres.CreateDatabaseAsync(nameof(SiloLifecycleTests));
        await using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:ClusterId"] = "lifecycle",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information", // the framework's lines of a request carry its id too
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
