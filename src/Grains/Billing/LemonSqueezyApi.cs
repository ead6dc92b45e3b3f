using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Billing;

/// <summary>
/// The two LemonSqueezy API calls HiveSync makes: create a checkout, and change the variant of a subscription.
/// One attempt each within <c>Billing:ApiTimeout</c>; any failure becomes <c>BILLING_PROVIDER_ERROR</c> with a
/// reason, and LemonSqueezy's answer is logged (status and error titles), never passed to the caller.
/// </summary>
public sealed class LemonSqueezyApi(IHttpClientFactory httpClients, IOptionsMonitor<BillingOptions> options, ILogger<LemonSqueezyApi> logger)
{
    public const string HttpClientName = "lemonsqueezy";

    private const string JsonApi = "application/vnd.api+json";
    private const int MaxResponseBytes = 256 * 1024;

    /// <summary>Creates a hosted checkout for one variant, carrying the user id back in every webhook; returns its URL.</summary>
    public async Task<string> CreateCheckoutAsync(long variantId, long userId, string email, DateTimeOffset expiresAt)
    {
        var o = options.CurrentValue;
        var attributes = new JsonObject
        {
            ["checkout_data"] = new JsonObject
            {
                ["email"] = email,
                ["custom"] = new JsonObject { ["user_id"] = userId },
            },
            ["expires_at"] = expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrEmpty(o.CheckoutRedirectUrl))
        {
            attributes["product_options"] = new JsonObject { ["redirect_url"] = o.CheckoutRedirectUrl };
        }

        var body = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["type"] = "checkouts",
                ["attributes"] = attributes,
                ["relationships"] = new JsonObject
                {
                    ["store"] = Relationship("stores", o.StoreId!),
                    ["variant"] = Relationship("variants", variantId.ToString(CultureInfo.InvariantCulture)),
                },
            },
        };

        using var answer = await SendAsync(HttpMethod.Post, "v1/checkouts", body, HttpStatusCode.Created, "create checkout", "No checkout was created and nothing was charged; try again shortly.");
        var url = answer.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("attributes", out var a) && a.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String
            ? u.GetString()
            : null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var checkout) || checkout.Scheme != Uri.UriSchemeHttps)
        {
            logger.LogWarning("LemonSqueezy create checkout answered without a checkout URL");
            throw ProviderError("invalid_response", "No checkout was created and nothing was charged; try again shortly.");
        }

        return checkout.AbsoluteUri;
    }

    /// <summary>
    /// Moves a subscription to another variant (LemonSqueezy prorates; <paramref name="invoiceImmediately"/> charges
    /// the difference now), resuming it when it was cancelled. Returns the subscription as LemonSqueezy now has it.
    /// </summary>
    public async Task<SubscriptionState> UpdateSubscriptionVariantAsync(string subscriptionId, long variantId, bool resume, bool invoiceImmediately)
    {
        var attributes = new JsonObject { ["variant_id"] = variantId };
        if (resume)
        {
            attributes["cancelled"] = false;
        }

        if (invoiceImmediately)
        {
            attributes["invoice_immediately"] = true;
        }

        var body = new JsonObject
        {
            ["data"] = new JsonObject { ["type"] = "subscriptions", ["id"] = subscriptionId, ["attributes"] = attributes },
        };
        const string unknownOutcome = "LemonSqueezy did not confirm the plan change; your plan shows the change once it does.";
        using var answer = await SendAsync(HttpMethod.Patch, $"v1/subscriptions/{Uri.EscapeDataString(subscriptionId)}", body, HttpStatusCode.OK, "update subscription", unknownOutcome);
        var state = answer.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            ? LemonSqueezyEvent.ReadSubscription(data, options.CurrentValue, out _)
            : null;
        if (state is null || state.SubscriptionId != subscriptionId)
        {
            logger.LogWarning("LemonSqueezy update subscription answered without the subscription");
            throw ProviderError("invalid_response", unknownOutcome);
        }

        return state;
    }

    private static JsonObject Relationship(string type, string id) => new() { ["data"] = new JsonObject { ["type"] = type, ["id"] = id } };

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, JsonObject body, HttpStatusCode expected, string operation, string failureMessage)
    {
        var o = options.CurrentValue;
        using var request = new HttpRequestMessage(method, new Uri(new Uri(o.ApiBaseUrl.TrimEnd('/') + "/"), path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonApi);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonApi));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);

        using var timeout = new CancellationTokenSource(o.ApiTimeout);
        var http = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var text = await ReadBoundedAsync(response.Content, timeout.Token);
            if (response.StatusCode != expected)
            {
                logger.LogWarning("LemonSqueezy {Operation} answered {Status}: {Errors}", operation, (int)response.StatusCode, ErrorTitles(text));
                throw ProviderError(response.StatusCode == HttpStatusCode.TooManyRequests ? "rate_limited" : (int)response.StatusCode >= 500 ? "unavailable" : "rejected", failureMessage);
            }

            try
            {
                return JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                logger.LogWarning("LemonSqueezy {Operation} answered {Status} with a body that is not JSON", operation, (int)response.StatusCode);
                throw ProviderError("invalid_response", failureMessage);
            }
        }
        catch (OperationCanceledException)
        {
            // Billing:ApiTimeout, or the handler's connect time-out (an OperationCanceledException too): nobody else cancels.
            logger.LogWarning("LemonSqueezy {Operation} timed out (limit {Timeout})", operation, o.ApiTimeout);
            throw ProviderError("timeout", failureMessage);
        }
        catch (HttpRequestException error)
        {
            logger.LogWarning("LemonSqueezy {Operation} failed: {Error}", operation, error.HttpRequestError);
            throw ProviderError("unavailable", failureMessage);
        }
        catch (IOException error)
        {
            // The connection broke while the body was being read (HttpIOException is not an HttpRequestException).
            logger.LogWarning("LemonSqueezy {Operation} failed reading the answer: {Error}", operation, error.GetType().Name);
            throw ProviderError("unavailable", failureMessage);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxResponseBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>The <c>title</c>s of a JSON:API error answer, for the log; never the raw body.</summary>
    private static string ErrorTitles(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                return string.Join("; ", errors.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)
                    .Where(t => !string.IsNullOrEmpty(t))
                    .Take(5)
                    .Select(t => t!.Length > 200 ? t[..200] : t));
            }
        }
        catch (JsonException)
        {
            // not JSON:API (an HTML error page, ...)
        }

        return "(no JSON:API errors)";
    }

    private static DomainException ProviderError(string reason, string message) =>
        new(ErrorCodes.BillingProviderError, message, new { provider = "lemonsqueezy", reason });
}
