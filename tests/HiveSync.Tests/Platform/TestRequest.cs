using System.Net.Http.Headers;
using System.Text;

namespace HiveSync.Tests.Platform;

/// <summary>
/// One HTTP request as a test writes it: <c>new TestRequest(HttpMethod.Post, path) { Body = json, Bearer = token }</c>,
/// sent with <see cref="TestRequestSending.SendAsync(HttpClient, TestRequest)"/>. It is the only place the tests
/// build an <see cref="HttpRequestMessage"/>; the kits' helpers (<c>AuthTestKit.SendAsync</c>, <c>SendAsWebAsync</c>,
/// webhook delivery, ...) are shorthands for it. Headers go out as given, unvalidated: tests send malformed ones on purpose.
/// </summary>
public sealed record TestRequest(HttpMethod Method, string Path)
{
    /// <summary>The body as text (JSON unless <see cref="ContentType"/> says otherwise), sent exactly as written.</summary>
    public string? Body { get; init; }

    /// <summary>The body as exact bytes (a signed webhook), sent instead of <see cref="Body"/>.</summary>
    public byte[]? BodyBytes { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>Sends the body with <c>Transfer-Encoding: chunked</c> and no Content-Length.</summary>
    public bool Chunked { get; init; }

    /// <summary>An access token (or anything else) sent as <c>Authorization: Bearer …</c>.</summary>
    public string? Bearer { get; init; }

    /// <summary>The whole <c>Cookie</c> header, e.g. <c>WebSession.CookieHeader</c>.</summary>
    public string? Cookie { get; init; }

    /// <summary>The <c>X-CSRF-Token</c> header.</summary>
    public string? Csrf { get; init; }

    /// <summary>The <c>X-Forwarded-For</c> header: the client address a trusting silo records and limits by.</summary>
    public string? ForwardedFor { get; init; }

    public string? RequestId { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>Any other header (a non-bearer Authorization, a webhook's X-Signature, ...).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public const string CsrfHeader = "X-CSRF-Token";

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Path) { Content = Content() };
        if (Chunked)
        {
            message.Headers.TransferEncodingChunked = true;
        }

        if (Bearer is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Bearer);
        }

        Add(message, "Cookie", Cookie);
        Add(message, CsrfHeader, Csrf);
        Add(message, "X-Forwarded-For", ForwardedFor);
        Add(message, "X-Request-Id", RequestId);
        Add(message, "User-Agent", UserAgent);
        foreach (var (name, value) in Headers)
        {
            Add(message, name, value);
        }

        return message;
    }

    private HttpContent? Content()
    {
        if (BodyBytes is not null)
        {
            var bytes = new ByteArrayContent(BodyBytes);
            bytes.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            return bytes;
        }

        return Body is null ? null : new StringContent(Body, Encoding.UTF8, ContentType);
    }

    private static void Add(HttpRequestMessage message, string name, string? value)
    {
        if (value is not null)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
    }
}

public static class TestRequestSending
{
    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, TestRequest request)
    {
        using var message = request.ToMessage();
        return await client.SendAsync(message);
    }
}
