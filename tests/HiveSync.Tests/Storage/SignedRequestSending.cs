using System.Globalization;
using HiveSync.Grains.Storage;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Storage;

/// <summary>A client doing what it was handed: the signed method, URL and headers, exactly, and the bytes.</summary>
public static class SignedRequestSending
{
    /// <param name="client">Any client; a relative URL (the local folder's) goes to its base address.</param>
    public static Task<HttpResponseMessage> SendSignedAsync(this HttpClient client, SignedRequest request, byte[]? body = null)
    {
        var headers = new Dictionary<string, string>(request.Headers);
        headers.Remove("Content-Type", out var contentType);
        if (headers.Remove("Content-Length", out var length))
        {
            // HttpClient sends the body's own length; a test that wants another one says so.
            Assert.Equal(length, (body ?? []).Length.ToString(CultureInfo.InvariantCulture));
        }

        return client.SendAsync(new TestRequest(new HttpMethod(request.Method), request.Url.ToString())
        {
            BodyBytes = body,
            ContentType = contentType ?? "application/octet-stream",
            Headers = headers,
        });
    }

    /// <summary>Signs an upload of <paramref name="body"/> and sends it, asserting the storage took it.</summary>
    public static async Task UploadAsync(this HttpClient client, IObjectStorage storage, string key, byte[] body, string contentType = "application/pdf")
    {
        var signed = await storage.SignUploadAsync(key, contentType, body.Length, DateTimeOffset.UtcNow.AddMinutes(10));
        using var response = await client.SendSignedAsync(signed, body);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static string NewKey() => $"attachments/{Random.Shared.Next(1, 1000)}/{Guid.NewGuid():N}";
}
