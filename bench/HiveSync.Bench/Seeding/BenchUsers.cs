using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HiveSync.Bench.Servers;

namespace HiveSync.Bench.Seeding;

/// <summary>A registered user with the tokens of their one session.</summary>
public sealed record BenchUser(long Id, string Email, string AccessToken, string RefreshToken, string Tier);

/// <summary>
/// Registers the users through the API (PBKDF2 at full cost: the slow part of a run), then moves a third to Pro
/// and a third to Premium with signed <c>subscription_created</c> webhooks, and waits until <c>/user/me</c> shows it.
/// </summary>
public static class BenchUsers
{
    public const string Password = "bench password 123";
    private const int RegisterConcurrency = 4;

    public static async Task<IReadOnlyList<BenchUser>> CreateAsync(HttpClient http, Uri silo, int count, SubscriptionEvents events, CancellationToken ct)
    {
        var users = new BenchUser[count];
        var registered = 0;
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = RegisterConcurrency, CancellationToken = ct }, async (i, token) =>
        {
            users[i] = await RegisterAsync(http, silo, i, token);
            var done = Interlocked.Increment(ref registered);
            if (done % 32 == 0 || done == count)
            {
                Console.WriteLine($"  registered {done}/{count} users ({(DateTime.UtcNow - started).TotalSeconds:0} s)");
            }
        });

        // Thirds by position: 0 free, 1 pro, 2 premium.
        for (var i = 0; i < count; i++)
        {
            var (tier, variant) = (i % 3) switch
            {
                1 => ("pro", SiloSettings.Variants.ProMonthly),
                2 => ("premium", SiloSettings.Variants.PremiumMonthly),
                _ => ("free", 0L),
            };
            if (variant != 0)
            {
                var subscriptionId = (10_000_000 + i).ToString(CultureInfo.InvariantCulture);
                await DeliverAsync(http, silo, events.Create("subscription_created", subscriptionId, users[i].Id, variant, "active", i), ct);
                users[i] = users[i] with { Tier = tier };
            }
        }

        await WaitForTiersAsync(http, silo, users, ct);
        Console.WriteLine($"  tiers: {string.Join(", ", users.GroupBy(u => u.Tier).Select(g => $"{g.Count()} {g.Key}"))}");
        return users;
    }

    public static async Task DeliverAsync(HttpClient http, Uri silo, SignedEvent delivery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, "/api/v1/billing/webhook")) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature", delivery.Signature);
        request.Headers.Add("X-Event-Name", delivery.EventName);
        using var response = await http.SendAsync(request, ct);
        await BenchApi.EnsureSuccessAsync(response, "webhook delivery", ct);
    }

    private static async Task<BenchUser> RegisterAsync(HttpClient http, Uri silo, int index, CancellationToken ct)
    {
        var email = $"bench-{index:D5}@example.com";
        using var response = await http.PostAsJsonAsync(new Uri(silo, "/api/v1/auth/register"), new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = Password,
            ["display_name"] = $"Bench {index}",
        }, ct);
        await BenchApi.EnsureSuccessAsync(response, $"registering {email}", ct);
        var data = (await response.Content.ReadFromJsonAsync<JsonNode>(ct))!["data"]!;
        return new BenchUser(
            data["user"]!["id"]!.GetValue<long>(),
            email,
            data["access_token"]!.GetValue<string>(),
            data["refresh_token"]!.GetValue<string>(),
            "free");
    }

    private static async Task WaitForTiersAsync(HttpClient http, Uri silo, IReadOnlyList<BenchUser> users, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var user in users)
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo, "/api/v1/user/me"));
                request.Headers.Authorization = new("Bearer", user.AccessToken);
                using var response = await http.SendAsync(request, ct);
                await BenchApi.EnsureSuccessAsync(response, $"GET /user/me of {user.Email}", ct);
                var tier = (await response.Content.ReadFromJsonAsync<JsonNode>(ct))!["tier"]!.GetValue<string>();
                if (tier == user.Tier)
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{user.Email} is on tier {tier}, not {user.Tier}, a minute after its webhook");
                }

                await Task.Delay(100, ct);
            }
        }
    }
}
