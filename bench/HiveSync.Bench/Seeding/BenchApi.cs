using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HiveSync.Bench.Seeding;

/// <summary>The few API calls seeding makes as a signed-in user; any answer but a success stops the run with its body.</summary>
public static class BenchApi
{
    /// <summary>Sends <paramref name="body"/> as JSON and answers the response's <c>data</c>.</summary>
    public static async Task<JsonNode> PostAsync(HttpClient http, Uri silo, string path, string token, object body, CancellationToken ct)
    {
        using var response = await SendAsync(http, silo, HttpMethod.Post, path, token, JsonContent.Create(body), ct);
        return (await response.Content.ReadFromJsonAsync<JsonNode>(ct))!["data"]!;
    }

    /// <summary>Sends one request with the user's bearer token; the answer is a success or the run stops.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, Uri silo, HttpMethod method, string path, string token, HttpContent? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(silo, path)) { Content = body };
        request.Headers.Authorization = new("Bearer", token);
        var response = await http.SendAsync(request, ct);
        try
        {
            await EnsureSuccessAsync(response, $"{method} {path}", ct);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        return response;
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }
}
