using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Load scenarios against a running HiveSync (e.g. `dotnet run -c Release --project src/Silo`):
//   dotnet run -c Release --project bench/HiveSync.Bench -- [base-url] [seconds] [concurrency]
// Scenarios: GET /api/v1/auth/me (JWT check + session check in the user's grain: every authenticated
// request pays this), GET /api/v1/profile, POST /api/v1/auth/refresh (a rotation: one transaction), and
// failed logins for a wrong password and for an unknown email, whose latencies must match.
var baseUrl = new Uri(args.ElementAtOrDefault(0) ?? "http://localhost:5080");
var seconds = int.Parse(args.ElementAtOrDefault(1) ?? "10", System.Globalization.CultureInfo.InvariantCulture);
var concurrency = int.Parse(args.ElementAtOrDefault(2) ?? "32", System.Globalization.CultureInfo.InvariantCulture);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = baseUrl };
Console.WriteLine($"HiveSync bench against {baseUrl}: {seconds} s per scenario, {concurrency} concurrent clients");

// Each client gets its own account so the load spreads over many user grains, as in production.
var accounts = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async i =>
{
    var email = $"bench-{Guid.NewGuid():N}@example.com";
    var response = await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "bench password 123" });
    response.EnsureSuccessStatusCode();
    var data = (await response.Content.ReadFromJsonAsync<JsonNode>())!["data"]!;
    return new Account(email, data["access_token"]!.GetValue<string>(), data["refresh_token"]!.GetValue<string>());
}));

// Warm-up (JIT, connection pools, grain activations), not reported.
await RunAsync("warm-up", account => Send(HttpMethod.Get, "/api/v1/auth/me", account.AccessToken), report: false);

await RunAsync("GET /api/v1/auth/me", account => Send(HttpMethod.Get, "/api/v1/auth/me", account.AccessToken));
await RunAsync("GET /api/v1/profile", account => Send(HttpMethod.Get, "/api/v1/profile", account.AccessToken));
await RunAsync("POST /api/v1/auth/refresh", async account =>
{
    var response = await http.PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = account.RefreshToken });
    if (response.IsSuccessStatusCode)
    {
        account.RefreshToken = (await response.Content.ReadFromJsonAsync<JsonNode>())!["data"]!["refresh_token"]!.GetValue<string>();
    }

    return response;
});

// Sign-in must cost the same for an unknown email as for a wrong password (no account probing by timing).
// Each client guesses at its own account: one account's sign-ins queue in its grain, on purpose.
await RunAsync("POST login (wrong password)", account => http.PostAsJsonAsync("/api/v1/auth/login", new { email = account.Email, password = "wrong password 123" }), expectFailure: true);
await RunAsync("POST login (unknown email)", _ => http.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = "wrong password 123" }), expectFailure: true);

async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token)
{
    using var request = new HttpRequestMessage(method, path);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return await http.SendAsync(request);
}

async Task RunAsync(string name, Func<Account, Task<HttpResponseMessage>> call, bool expectFailure = false, bool report = true)
{
    var latencies = new List<double>[concurrency];
    var failures = 0;
    var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async i =>
    {
        latencies[i] = [];
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await call(accounts[i]);
            latencies[i].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.IsSuccessStatusCode == expectFailure)
            {
                Interlocked.Increment(ref failures);
            }
        }
    }));
    if (!report)
    {
        return;
    }

    var all = latencies.SelectMany(l => l).Order().ToArray();
    double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
    Console.WriteLine($"{name,-28} {all.Length / (double)seconds,9:0} req/s   p50 {P(0.50),6:0.00} ms   p99 {P(0.99),6:0.00} ms   failures {failures}");
}

internal sealed class Account(string email, string accessToken, string refreshToken)
{
    public string Email { get; } = email;

    public string AccessToken { get; } = accessToken;

    public string RefreshToken { get; set; } = refreshToken;
}
