using System.Globalization;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Billing;

namespace HiveSync.Grains.Billing;

public enum LemonSqueezyEventKind
{
    /// <summary><c>data.type = "subscriptions"</c>: carries the subscription's whole current state.</summary>
    Subscription,

    /// <summary><c>data.type = "subscription-invoices"</c>: a payment; names its subscription, carries no state.</summary>
    Payment,

    /// <summary>Anything else LemonSqueezy sends (orders, license keys, ...).</summary>
    Other,

    /// <summary>Not a LemonSqueezy event HiveSync can read.</summary>
    Invalid,
}

/// <summary>Why a signed event is not taken as a purchase: stored with outcome <c>ignored</c> and audited with this reason.</summary>
public static class EventOriginRefusals
{
    /// <summary>The resource's <c>store_id</c> is missing or is not <c>Billing:StoreId</c>.</summary>
    public const string ForeignStore = "foreign_store";

    /// <summary>A test-mode event while <c>Billing:AllowTestMode</c> is off.</summary>
    public const string TestMode = "test_mode";
}

/// <summary>
/// A webhook body, read. <see cref="State"/> is set for subscription events, <see cref="Problem"/> for invalid ones;
/// <see cref="StoreId"/> and <see cref="TestMode"/> say where it comes from (every kind but invalid).
/// </summary>
public sealed record LemonSqueezyEvent(
    LemonSqueezyEventKind Kind,
    string? EventName,
    string? SubscriptionId,
    SubscriptionState? State,
    long? UserIdHint,
    long? StoreId = null,
    bool TestMode = false,
    string? Problem = null)
{
    private const int MaxEventNameLength = 100;

    /// <summary>
    /// Why this event may change no subscription (an <see cref="EventOriginRefusals"/> value), or null when it may:
    /// it must come from <c>Billing:StoreId</c> (a missing store id or setting matches nothing), and be live unless
    /// <c>Billing:AllowTestMode</c> is on.
    /// </summary>
    public string? OriginRefusal(BillingOptions options) =>
        StoreId is null || StoreId != options.StoreNumber ? EventOriginRefusals.ForeignStore
        : TestMode && !options.AllowTestMode ? EventOriginRefusals.TestMode
        : null;

    /// <summary>Reads a webhook body. Never throws: what cannot be read is <see cref="LemonSqueezyEventKind.Invalid"/>.</summary>
    public static LemonSqueezyEvent Parse(ReadOnlySpan<byte> body, BillingOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return Invalid(null, "the body is not JSON");
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, options);
            }
            catch (InvalidOperationException)
            {
                // Valid JSON whose string escapes are not valid UTF-16 (a lone surrogate): GetString refuses it.
                return Invalid(null, "a string is not valid text");
            }
        }
    }

    private static LemonSqueezyEvent Read(JsonElement root, BillingOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("meta", out var meta) || meta.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return Invalid(null, "no meta or data object");
        }

        var eventName = String(meta, "event_name");
        if (eventName is null || eventName.Length > MaxEventNameLength)
        {
            return Invalid(null, "no meta.event_name");
        }

        var userIdHint = meta.TryGetProperty("custom_data", out var custom) && custom.ValueKind == JsonValueKind.Object && custom.TryGetProperty("user_id", out var userId)
            ? PositiveId(userId)
            : null;

        // Every LemonSqueezy resource names its store; either test_mode flag marks a test event.
        var attributes = data.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object ? a : (JsonElement?)null;
        var storeId = attributes is { } withStore && withStore.TryGetProperty("store_id", out var store) ? PositiveId(store) : null;
        var testMode = IsTrue(meta, "test_mode") || (attributes is { } withMode && IsTrue(withMode, "test_mode"));

        switch (String(data, "type"))
        {
            case "subscriptions":
                var state = ReadSubscription(data, options, out var problem);
                return state is null
                    ? Invalid(eventName, problem)
                    : new LemonSqueezyEvent(LemonSqueezyEventKind.Subscription, eventName, state.SubscriptionId, state, userIdHint, storeId, testMode);
            case "subscription-invoices":
                var subscriptionId = attributes is { } invoice && invoice.TryGetProperty("subscription_id", out var sid) ? ResourceId(sid) : null;
                return new LemonSqueezyEvent(LemonSqueezyEventKind.Payment, eventName, subscriptionId, null, userIdHint, storeId, testMode);
            default:
                return new LemonSqueezyEvent(LemonSqueezyEventKind.Other, eventName, null, null, userIdHint, storeId, testMode);
        }
    }

    /// <summary>
    /// Reads a JSON:API subscription resource (a webhook's <c>data</c>, or the API's answer to an update) into a
    /// state, mapping its variant to a tier with the current settings. Null, with the reason, when required parts are missing.
    /// </summary>
    public static SubscriptionState? ReadSubscription(JsonElement data, BillingOptions options, out string? problem)
    {
        problem = null;
        var id = data.TryGetProperty("id", out var idElement) ? ResourceId(idElement) : null;
        if (id is null)
        {
            problem = "data.id is not a subscription id";
            return null;
        }

        if (!data.TryGetProperty("attributes", out var a) || a.ValueKind != JsonValueKind.Object)
        {
            problem = "no data.attributes";
            return null;
        }

        var variantId = a.TryGetProperty("variant_id", out var variant) ? PositiveId(variant) : null;
        var status = String(a, "status");
        var updatedAt = Time(a, "updated_at");
        if (variantId is null || string.IsNullOrEmpty(status) || status.Length > 32 || updatedAt is null)
        {
            problem = "variant_id, status or updated_at missing";
            return null;
        }

        var (tier, cycle) = options.PlanOf(variantId.Value);
        var cancelled = a.TryGetProperty("cancelled", out var c) && c.ValueKind == JsonValueKind.True;
        var renewsAt = Time(a, "renews_at");
        var endsAt = Time(a, "ends_at");
        var trialEndsAt = Time(a, "trial_ends_at");
        return new SubscriptionState(
            id,
            null,
            variantId.Value,
            tier,
            cycle,
            status,
            cancelled,
            renewsAt,
            endsAt,
            trialEndsAt,
            updatedAt.Value,
            SubscriptionRules.TieBreak(status, variantId.Value, cancelled, renewsAt, endsAt, trialEndsAt),
            a.TryGetProperty("store_id", out var store) ? PositiveId(store) : null,
            a.TryGetProperty("customer_id", out var customer) ? PositiveId(customer) : null,
            a.TryGetProperty("product_id", out var product) ? PositiveId(product) : null,
            IsTrue(a, "test_mode"),
            Time(a, "created_at"));
    }

    private static LemonSqueezyEvent Invalid(string? eventName, string? problem) =>
        new(LemonSqueezyEventKind.Invalid, eventName, null, null, null, Problem: problem);

    private static bool IsTrue(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        String(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    /// <summary>LemonSqueezy ids: digits, as a JSON string (resource ids) or number (ids inside attributes).</summary>
    private static string? ResourceId(JsonElement element) => PositiveId(element)?.ToString(CultureInfo.InvariantCulture);

    private static long? PositiveId(JsonElement element)
    {
        var parsed = element.ValueKind switch
        {
            JsonValueKind.Number when element.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => (long?)null,
        };
        return parsed > 0 ? parsed : null;
    }
}
