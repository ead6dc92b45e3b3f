using System.Security.Cryptography;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace HiveSync.Grains.Billing;

/// <summary>
/// Receives LemonSqueezy webhook deliveries on whichever silo the request reached. Order of work: verify the
/// signature (nothing is stored for a bad one), make sure the retry reminder exists, store the event, apply it in this
/// turn (stored work: <see cref="BillingEventProcessor"/>). A failure to apply leaves the stored event due for the
/// reminder; the delivery is still answered 200.
/// </summary>
[StatelessWorker]
public sealed class BillingWebhookGrain(
    BillingStore store,
    BillingEventProcessor processor,
    IOptionsMonitor<BillingOptions> options,
    DomainClock clock,
    ILogger<BillingWebhookGrain> logger) : Grain, IBillingWebhookGrain
{
    private const int MaxEventNameLength = 100;

    public async Task<WebhookReceipt> Receive(WebhookDelivery delivery)
    {
        var o = options.CurrentValue;
        if (string.IsNullOrEmpty(o.WebhookSecret))
        {
            logger.LogError("A billing webhook arrived but {Variable} is not set; it was refused and nothing was stored", BillingOptions.WebhookSecretVariable);
            return new WebhookReceipt(WebhookVerdict.NotConfigured);
        }

        if (!WebhookSignature.IsValid(o.WebhookSecret, delivery.Body, delivery.Signature))
        {
            logger.LogWarning("A billing webhook was refused: {Reason}", string.IsNullOrEmpty(delivery.Signature) ? "no X-Signature" : "X-Signature does not match the body");
            return new WebhookReceipt(WebhookVerdict.SignatureInvalid);
        }

        // Before storing: once an event is stored, something must come back to it even if this silo dies now.
        await processor.EnsureScheduledAsync();

        var eventName = delivery.EventNameHeader is { Length: > 0 and <= MaxEventNameLength } header ? header : null;
        var eventId = await store.InsertEventAsync(clock.UtcNow, eventName, SHA256.HashData(delivery.Body), delivery.Body);
        await processor.ApplyNowAsync(eventId); // a redelivery of a pending event is applied now too; one done is left alone

        return new WebhookReceipt(WebhookVerdict.Accepted, eventId);
    }
}
