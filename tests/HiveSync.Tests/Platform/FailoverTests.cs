using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace HiveSync.Tests.Platform;

/// <summary>
/// What clients see when a silo goes away: after a crash (SIGKILL) the users whose grains lived there get 503 with
/// Retry-After until the cluster has moved them (the figures go to docs/architecture.md); a graceful leave
/// (SIGTERM) costs nothing.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Users = 16;

    [Fact]
    public async Task After_a_silo_is_killed_its_users_recover_and_every_refusal_meanwhile_is_a_503_with_retry_after()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(FailoverTests) + "Kill", processes: 2);
        var (survivor, doomed) = (cluster.Processes[0], cluster.Processes[1]);
        using var viaSurvivor = new HttpClient { BaseAddress = survivor.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        // Users signed up through the silo that will die: their grains were placed there.
        var tokens = await RegisterAsync(doomed, Users);
        await Task.WhenAll(tokens.Select(async t => Assert.Equal(HttpStatusCode.OK, (await ProfileAsync(viaSurvivor, t)).StatusCode)));

        var killedAtUtc = DateTime.UtcNow;
        cluster.Kill(doomed);
        var killedAt = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(tokens.Select(async token =>
        {
            var refusals = new List<HttpResponseMessage>();
            while (true)
            {
                var response = await ProfileAsync(viaSurvivor, token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (RecoveredAfter: killedAt.Elapsed, Refusals: refusals);
                }

                refusals.Add(response);
                Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(30), $"still refused after {killedAt.Elapsed}: {(int)response.StatusCode}");
                await Task.Delay(50);
            }
        }));

        foreach (var refusal in outcomes.SelectMany(o => o.Refusals))
        {
            await refusal.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.True(refusal.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 without Retry-After");
        }

        // The survivor noticed the refused connection itself rather than waiting for missed probes (CrashedSiloDetector).
        var declared = survivor.Output.Split('\n').FirstOrDefault(l => l.Contains("refuses connections", StringComparison.Ordinal));
        Assert.True(declared is not null, survivor.Output);
        var declaredAfter = DateTime.Parse(declared[..24], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) - killedAtUtc;
        var recovered = outcomes.Select(o => o.RecoveredAfter.TotalSeconds).Order().ToList();
        output.WriteLine($"SIGKILL of 1 of 2 silos: declared dead after {declaredAfter.TotalSeconds:0.00} s; {outcomes.Count(o => o.Refusals.Count > 0)}/{Users} users " +
            $"saw a refusal ({outcomes.Sum(o => o.Refusals.Count)} refusals, all 503 + Retry-After); every user answered again after at most {recovered[^1]:0.00} s " +
            $"(median {recovered[recovered.Count / 2]:0.00} s)");
    }

    [Fact]
    public async Task A_silo_leaving_gracefully_under_load_costs_no_failed_request()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(FailoverTests) + "Leave", processes: 3);
        var leaving = cluster.Processes[2];
        HttpClient[] staying = [new() { BaseAddress = cluster.Processes[0].BaseAddress }, new() { BaseAddress = cluster.Processes[1].BaseAddress }];
        var tokens = await RegisterAsync(leaving, Users);

        // Steady load on the two staying silos: every user reads and writes their profile, over and over.
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var requests = 0;
        var load = tokens.Select((token, i) => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var client = staying[(i + n) % 2];
                try
                {
                    using var response = n % 4 == 0
                        ? await client.SendAsync(new TestRequest(HttpMethod.Patch, "/api/v1/profile") { Body = $"{{\"display_name\": \"user {i} edit {n}\"}}", Bearer = token })
                        : await ProfileAsync(client, token);
                    Interlocked.Increment(ref requests);
                    if (!response.IsSuccessStatusCode)
                    {
                        var failure = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                        lock (failures)
                        {
                            failures.Add(failure);
                        }
                    }
                }
                catch (HttpRequestException error)
                {
                    lock (failures)
                    {
                        failures.Add(error.Message);
                    }
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = Volatile.Read(ref requests);
        await cluster.TerminateAsync(leaving);
        var during = Volatile.Read(ref requests) - before;
        await Task.Delay(TimeSpan.FromSeconds(3)); // and a while after it left
        await stop.CancelAsync();
        await Task.WhenAll(load);

        output.WriteLine($"SIGTERM of 1 of 3 silos under load: {requests} requests ({during} while it left), {failures.Count} failed");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Distinct().Take(20)));
        Assert.Equal(2, await cluster.ActiveSilosAsync());
        foreach (var client in staying)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task A_stopping_silo_answers_not_ready_at_once_and_keeps_serving_for_its_drain_delay()
    {
        // A drain long enough that the requests below cannot miss it on a busy machine.
        await using var cluster = await SiloCluster.StartAsync(nameof(FailoverTests) + "Drain", processes: 1, new Dictionary<string, string> { ["Shutdown:DrainDelay"] = "00:00:15" });
        var silo = cluster.Processes[0];
        using var client = new HttpClient { BaseAddress = silo.BaseAddress };

        await silo.TerminateAsync();
        var ready = await client.GetAsync("/health/ready");
        var served = await client.GetAsync("/api/v1/auth/me");

        var error = await ready.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Equal("unhealthy", error["details"]!["checks"]!["stopping"]!["status"]!.GetValue<string>());
        await served.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED"); // still answered by the API
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>Registers <paramref name="count"/> users through <paramref name="silo"/> and returns their access tokens.</summary>
    private static async Task<List<string>> RegisterAsync(SiloProcess silo, int count)
    {
        using var client = new HttpClient { BaseAddress = silo.BaseAddress };
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            tokens.Add((await client.RegisterAsync($"failover-{Guid.NewGuid():N}@example.com")).AccessToken);
        }

        return tokens;
    }

    private static Task<HttpResponseMessage> ProfileAsync(HttpClient client, string token) =>
        client.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/profile") { Bearer = token });
}
