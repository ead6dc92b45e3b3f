using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HiveSync.Tests.Billing;

/// <summary>How the stand-in answers the next calls.</summary>
public enum FakeMode
{
    Success,

    /// <summary>422 with a JSON:API error body (as for an unknown variant).</summary>
    Rejected,

    /// <summary>500 with an HTML page (not JSON:API), as LemonSqueezy's may be.</summary>
    ServerError,

    /// <summary>Never answers (until the caller gives up).</summary>
    Hang,

    /// <summary>201 whose body breaks off: the connection drops after a few of the announced bytes.</summary>
    Truncated,

    /// <summary>201 without a checkout URL.</summary>
    NoUrl,
}

/// <summary>A request the stand-in received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// A real HTTP server on loopback standing in for LemonSqueezy's API (<c>POST /v1/checkouts</c>,
/// <c>PATCH /v1/subscriptions/{id}</c>): records every request and answers as <see cref="Mode"/> says.
/// </summary>
public sealed class FakeLemonSqueezy : IAsyncDisposable
{
    /// <summary>Text only LemonSqueezy's error answers contain: it must never reach HiveSync's callers.</summary>
    public const string UpstreamOnlyText = "upstream-internal-detail-7f3a9c";

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public FakeMode Mode { get; set; } = FakeMode.Success;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public void Reset()
    {
        Mode = FakeMode.Success;
        _requests.Clear();
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/checkouts", context => AnswerAsync(context, CheckoutAnswer));
        _app.MapMethods("/v1/subscriptions/{id}", ["PATCH"], context => AnswerAsync(context, SubscriptionAnswer));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task AnswerAsync(HttpContext context, Func<RecordedRequest, (int Status, string Body)> success)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value!,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        _requests.Enqueue(recorded);

        switch (Mode)
        {
            case FakeMode.Hang:
                await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case FakeMode.Rejected:
                await WriteAsync(context, 422, "application/vnd.api+json", new JsonObject
                {
                    ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
                    ["errors"] = new JsonArray(new JsonObject
                    {
                        ["detail"] = $"The related resource does not exist. {UpstreamOnlyText}",
                        ["status"] = "422",
                        ["title"] = "Unprocessable Entity",
                        ["source"] = new JsonObject { ["pointer"] = "/data/relationships/variant" },
                    }),
                }.ToJsonString());
                return;
            case FakeMode.ServerError:
                await WriteAsync(context, 500, "text/html", $"<html><body><h1>Server Error</h1><pre>{UpstreamOnlyText}</pre></body></html>");
                return;
            case FakeMode.Truncated:
                context.Response.StatusCode = 201;
                context.Response.ContentType = "application/vnd.api+json";
                context.Response.ContentLength = 4096;
                await context.Response.WriteAsync("{\"data\":{");
                await context.Response.Body.FlushAsync();
                await Task.Delay(200); // the caller is reading the body by now, not the headers
                context.Abort();
                return;
            case FakeMode.NoUrl:
                await WriteAsync(context, 201, "application/vnd.api+json", "{\"data\":{\"type\":\"checkouts\",\"id\":\"x\",\"attributes\":{}}}");
                return;
            default:
                var (status, json) = success(recorded);
                await WriteAsync(context, status, "application/vnd.api+json", json);
                return;
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }

    private static (int, string) CheckoutAnswer(RecordedRequest request)
    {
        var id = Guid.NewGuid().ToString();
        return (201, new JsonObject
        {
            ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
            ["data"] = new JsonObject
            {
                ["type"] = "checkouts",
                ["id"] = id,
                ["attributes"] = new JsonObject
                {
                    ["store_id"] = request.Json["data"]?["relationships"]?["store"]?["data"]?["id"]?.GetValue<string>(),
                    ["url"] = $"https://hivesync-test.lemonsqueezy.com/checkout/custom/{id}?signature=abc123",
                },
            },
        }.ToJsonString());
    }

    /// <summary>The subscription after the requested change: the new variant, active, stamped now.</summary>
    private static (int, string) SubscriptionAnswer(RecordedRequest request)
    {
        var data = request.Json["data"]!;
        var id = data["id"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow;
        return (200, new JsonObject
        {
            ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
            ["data"] = new JsonObject
            {
                ["type"] = "subscriptions",
                ["id"] = id,
                ["attributes"] = new JsonObject
                {
                    ["store_id"] = 162352,
                    ["customer_id"] = 5336438,
                    ["product_id"] = 471688,
                    ["variant_id"] = data["attributes"]!["variant_id"]!.GetValue<long>(),
                    ["status"] = "active",
                    ["cancelled"] = false,
                    ["renews_at"] = Stamp(now.AddDays(30)),
                    ["ends_at"] = null,
                    ["trial_ends_at"] = null,
                    ["created_at"] = Stamp(now.AddDays(-3)),
                    ["updated_at"] = Stamp(now),
                    ["test_mode"] = true,
                },
            },
        }.ToJsonString());
    }

    /// <summary>LemonSqueezy's timestamp format: whole seconds with six zero decimals.</summary>
    public static string Stamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'.000000Z'", CultureInfo.InvariantCulture);
}
