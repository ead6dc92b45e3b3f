using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using HiveSync.Grains.Billing;
using HiveSync.Bench.Servers;

namespace HiveSync.Bench.Seeding;

/// <summary>A signed webhook delivery: the exact body bytes and their <c>X-Signature</c>.</summary>
public sealed record SignedEvent(string EventName, string Signature, byte[] Body);

/// <summary>
/// LemonSqueezy subscription events as the silos' webhook accepts them: a captured <c>subscription_created</c>
/// body (anonymised, live mode) with the run's store, a variant, the user in <c>custom_data.user_id</c>, distinct
/// ids, signed with the run's secret.
/// </summary>
public sealed class SubscriptionEvents(string webhookSecret)
{
    private static readonly string Template = ReadTemplate();

    /// <param name="sequence">Distinguishes events and orders the states of one subscription (its <c>updated_at</c>).</param>
    public SignedEvent Create(string eventName, string subscriptionId, long userId, long variantId, string status, long sequence)
    {
        var root = JsonNode.Parse(Template)!;
        var meta = root["meta"]!;
        meta["event_name"] = eventName;
        meta["custom_data"] = new JsonObject { ["user_id"] = userId };
        meta["webhook_id"] = Guid.NewGuid().ToString();
        var data = root["data"]!;
        data["id"] = subscriptionId;
        var a = data["attributes"]!;
        var updatedAt = DateTimeOffset.UtcNow.AddHours(-1).AddMilliseconds(sequence);
        a["store_id"] = SiloSettings.StoreId;
        a["variant_id"] = variantId;
        a["status"] = status;
        a["cancelled"] = status is "cancelled" or "expired";
        a["user_email"] = $"bench-{userId}@example.com";
        a["updated_at"] = Stamp(updatedAt);
        a["renews_at"] = status == "active" ? Stamp(updatedAt.AddMonths(1)) : null;
        a["ends_at"] = status == "expired" ? Stamp(updatedAt) : null;
        var body = Encoding.UTF8.GetBytes(root.ToJsonString());
        return new SignedEvent(eventName, WebhookSignature.Sign(webhookSecret, body), body);
    }

    /// <summary>LemonSqueezy's timestamp format.</summary>
    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string ReadTemplate()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("HiveSync.Bench.subscription_created.json")
            ?? throw new InvalidOperationException("the subscription_created template is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
