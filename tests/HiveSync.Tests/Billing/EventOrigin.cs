using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace HiveSync.Tests.Billing;

/// <summary>
/// Sets where a webhook body says it comes from: the resource's <c>store_id</c> and both <c>test_mode</c> flags
/// (<c>meta.test_mode</c> and the resource's own), as LemonSqueezy sends them. The result is signed like any body.
/// </summary>
public static class EventOrigin
{
    public static readonly long TestStore = long.Parse(BillingSilo.StoreId, CultureInfo.InvariantCulture);

    /// <param name="storeId">The store; null removes <c>store_id</c>.</param>
    public static byte[] WithOrigin(byte[] body, long? storeId, bool testMode)
    {
        var root = JsonNode.Parse(body)!;
        root["meta"]!["test_mode"] = testMode;
        var attributes = root["data"]!["attributes"]!.AsObject();
        attributes["test_mode"] = testMode;
        if (storeId is { } store)
        {
            attributes["store_id"] = store;
        }
        else
        {
            attributes.Remove("store_id");
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    /// <summary>A live (not test-mode) event of the test silo's own store: one a production server accepts.</summary>
    public static byte[] Live(byte[] body) => WithOrigin(body, TestStore, testMode: false);
}
