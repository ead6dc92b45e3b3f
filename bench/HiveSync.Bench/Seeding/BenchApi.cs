using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HiveSync.Bench.Seeding;

/// <summary>The few API calls seeding makes as a signed-in user; any answer but a success stops the run with its body.</summary>
public static class BenchApi
{
    /// <summary>Sends <paramref name="body"/> as JSON and answers the response's <c>data</c>.</summary>
    public static async Task<JsonNode> PostAsync(HttpClient http, Uri silo, string path, string token, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        await EnsureSuccessAsync(response, $"POST {path}", ct);
        return (await response.Content.ReadFromJsonAsync<JsonNode>(ct))!["data"]!;
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }
}
