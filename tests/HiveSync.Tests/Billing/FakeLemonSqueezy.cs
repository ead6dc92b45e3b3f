using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    /// <summary>Never answers: only the caller giving up ends the request.</summary>
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

/// <summary>LemonSqueezy's own record of one subscription, as the stand-in keeps it: what a PATCH changes and answers.</summary>
public sealed record FakeSubscription(
    string Id,
    long VariantId,
    string Status,
    bool Cancelled,
    DateTimeOffset RenewsAt,
    DateTimeOffset? EndsAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A checkout the stand-in created: its own id, and the hosted URL it made up (signed with a secret only it knows).</summary>
public sealed record FakeCheckout(string Id, long StoreId, long VariantId, string Url);

/// <summary>
/// A real HTTP server on loopback standing in for LemonSqueezy's API (<c>POST /v1/checkouts</c>,
/// <c>PATCH /v1/subscriptions/{id}</c>): records every request and answers as <see cref="Mode"/> says. In
/// <see cref="FakeMode.Success"/> it answers what LemonSqueezy would, from its own state and never by echoing the
/// request: a checkout gets an id and a signed URL made up here; a subscription it knows (see <see cref="Subscribe"/>)
/// gets the requested variant and keeps its own status, renewal date and customer, stamped with its own clock; an
/// unknown subscription is 404. So a test can tell that HiveSync applied LemonSqueezy's answer, not its own request.
/// </summary>
public sealed class FakeLemonSqueezy : IAsyncDisposable
{
    /// <summary>Text only LemonSqueezy's error answers contain: it must never reach HiveSync's callers.</summary>
    public const string UpstreamOnlyText = "upstream-internal-detail-7f3a9c";

    public const long CustomerId = 5336438;
    public const long ProductId = 471688;
    private const string StoreHost = "https://hivesync-test.lemonsqueezy.com";

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeCheckout> _checkouts = new();
    private readonly ConcurrentDictionary<string, FakeSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _changes = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public FakeMode Mode { get; set; } = FakeMode.Success;

    /// <summary>The store the API key belongs to; checkouts for another store are 404, as LemonSqueezy answers them.</summary>
    public long StoreId { get; init; } = long.Parse(BillingSilo.StoreId, CultureInfo.InvariantCulture);

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The checkouts created so far (since <see cref="Reset"/>), with the URLs answered.</summary>
    public IReadOnlyList<FakeCheckout> Checkouts => [.. _checkouts];

    /// <summary>Forgets the requests and checkouts and answers successfully again; the subscriptions it knows stay.</summary>
    public void Reset()
    {
        Mode = FakeMode.Success;
        _requests.Clear();
        _checkouts.Clear();
    }

    /// <summary>
    /// Makes LemonSqueezy know a subscription (as after a purchase) with a renewal date of its own choosing, in
    /// whole seconds like LemonSqueezy's timestamps; returns the record.
    /// </summary>
    public FakeSubscription Subscribe(string id, long variantId, string status, DateTimeOffset? endsAt = null)
    {
        var now = WholeSeconds(DateTimeOffset.UtcNow);
        var record = new FakeSubscription(
            id,
            variantId,
            status,
            status is "cancelled" or "expired",
            now.AddDays(17).AddSeconds(Random.Shared.Next(86_400)),
            endsAt,
            now.AddDays(-40),
            now.AddDays(-1));
        _subscriptions[id] = record;
        return record;
    }

    /// <summary>LemonSqueezy's current record of a subscription, or null when it has none.</summary>
    public FakeSubscription? Subscription(string id) => _subscriptions.GetValueOrDefault(id);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/checkouts", context => AnswerAsync(context, CreateCheckout));
        _app.MapMethods("/v1/subscriptions/{id}", ["PATCH"], context => AnswerAsync(context, UpdateSubscription));
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

    /// <summary>LemonSqueezy's timestamp format: whole seconds with six zero decimals.</summary>
    public static string Stamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'.000000Z'", CultureInfo.InvariantCulture);

    private async Task AnswerAsync(HttpContext context, Func<HttpContext, RecordedRequest, (int Status, JsonObject Body)> success)
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
                var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                using (var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping))
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, gone.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                return;
            case FakeMode.Rejected:
                await WriteAsync(context, 422, "application/vnd.api+json", Errors(422, "Unprocessable Entity", $"The related resource does not exist. {UpstreamOnlyText}", "/data/relationships/variant").ToJsonString());
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
                var (status, json) = success(context, recorded);
                await WriteAsync(context, status, "application/vnd.api+json", json.ToJsonString());
                return;
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }

    /// <summary>A hosted checkout with an id and a signed URL of LemonSqueezy's own; a wrong store or no variant is refused.</summary>
    private (int, JsonObject) CreateCheckout(HttpContext context, RecordedRequest request)
    {
        var data = request.Json["data"];
        var store = Id(data?["relationships"]?["store"]?["data"], "stores");
        var variant = Id(data?["relationships"]?["variant"]?["data"], "variants");
        if (data?["type"]?.GetValue<string>() != "checkouts" || variant is null)
        {
            return (422, Errors(422, "Unprocessable Entity", "The data is not a checkout with a variant.", "/data"));
        }

        if (store != StoreId)
        {
            return (404, Errors(404, "Not Found", "The related store does not exist.", "/data/relationships/store"));
        }

        var id = Guid.NewGuid().ToString();
        var url = $"{StoreHost}/checkout/custom/{id}?signature={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
        _checkouts.Enqueue(new FakeCheckout(id, store.Value, variant.Value, url));
        var now = Stamp(DateTimeOffset.UtcNow);
        var attributes = data["attributes"];
        return (201, Resource("checkouts", id, new JsonObject
        {
            ["store_id"] = store.Value,
            ["variant_id"] = variant.Value,
            ["custom_price"] = null,
            ["product_options"] = attributes?["product_options"]?.DeepClone() ?? new JsonObject(),
            ["checkout_options"] = attributes?["checkout_options"]?.DeepClone() ?? new JsonObject(),
            ["checkout_data"] = attributes?["checkout_data"]?.DeepClone() ?? new JsonObject(),
            ["expires_at"] = attributes?["expires_at"]?.DeepClone(),
            ["created_at"] = now,
            ["updated_at"] = now,
            ["test_mode"] = false,
            ["url"] = url,
        }));
    }

    /// <summary>
    /// The subscription after the change, as LemonSqueezy has it: the requested variant (and resumed when asked), its
    /// own status, renewal date and customer, stamped now by LemonSqueezy's clock.
    /// </summary>
    private (int, JsonObject) UpdateSubscription(HttpContext context, RecordedRequest request)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        var data = request.Json["data"];
        if (data?["type"]?.GetValue<string>() != "subscriptions" || data["id"]?.GetValue<string>() != id)
        {
            return (409, Errors(409, "Conflict", "The resource type or id does not match the URL.", "/data/id"));
        }

        var attributes = data["attributes"];
        if (attributes?["variant_id"] is not JsonValue variantValue || !variantValue.TryGetValue<long>(out var variant))
        {
            return (422, Errors(422, "Unprocessable Entity", "The variant id must be an integer.", "/data/attributes/variant_id"));
        }

        FakeSubscription updated;
        lock (_changes)
        {
            if (!_subscriptions.TryGetValue(id, out var current))
            {
                return (404, Errors(404, "Not Found", "The subscription does not exist.", null));
            }

            var resume = current.Cancelled && attributes["cancelled"] is JsonValue cancelled && cancelled.TryGetValue<bool>(out var value) && !value;
            var now = WholeSeconds(DateTimeOffset.UtcNow);
            updated = current with
            {
                VariantId = variant,
                Status = resume ? "active" : current.Status,
                Cancelled = !resume && current.Cancelled,
                EndsAt = resume ? null : current.EndsAt,
                UpdatedAt = now > current.UpdatedAt ? now : current.UpdatedAt.AddSeconds(1),
            };
            _subscriptions[id] = updated;
        }

        return (200, Resource("subscriptions", id, new JsonObject
        {
            ["store_id"] = StoreId,
            ["customer_id"] = CustomerId,
            ["product_id"] = ProductId,
            ["variant_id"] = updated.VariantId,
            ["status"] = updated.Status,
            ["cancelled"] = updated.Cancelled,
            ["pause"] = null,
            ["renews_at"] = Stamp(updated.RenewsAt),
            ["ends_at"] = updated.EndsAt is { } ends ? Stamp(ends) : null,
            ["trial_ends_at"] = null,
            ["created_at"] = Stamp(updated.CreatedAt),
            ["updated_at"] = Stamp(updated.UpdatedAt),
            ["test_mode"] = false,
        }));
    }

    private static JsonObject Resource(string type, string id, JsonObject attributes) => new()
    {
        ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
        ["links"] = new JsonObject { ["self"] = $"https://api.lemonsqueezy.com/v1/{type}/{id}" },
        ["data"] = new JsonObject
        {
            ["type"] = type,
            ["id"] = id,
            ["attributes"] = attributes,
            ["links"] = new JsonObject { ["self"] = $"https://api.lemonsqueezy.com/v1/{type}/{id}" },
        },
    };

    private static JsonObject Errors(int status, string title, string detail, string? pointer)
    {
        var error = new JsonObject
        {
            ["detail"] = detail,
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
            ["title"] = title,
        };
        if (pointer is not null)
        {
            error["source"] = new JsonObject { ["pointer"] = pointer };
        }

        return new JsonObject { ["jsonapi"] = new JsonObject { ["version"] = "1.0" }, ["errors"] = new JsonArray(error) };
    }

    /// <summary>A JSON:API relationship's id (a string of digits) when its type is the expected one.</summary>
    private static long? Id(JsonNode? relationship, string type) =>
        relationship?["type"]?.GetValue<string>() == type && long.TryParse(relationship["id"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) => BillingTestKit.Seconds(value);
}
