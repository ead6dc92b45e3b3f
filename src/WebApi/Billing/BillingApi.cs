using System.Security.Claims;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Auth;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Billing;

/// <summary>
/// <c>/api/v1/billing</c>: LemonSqueezy checkout and plan changes for the signed-in user, and the LemonSqueezy
/// webhook (anonymous, authenticated by its HMAC signature over the raw body).
/// </summary>
public static class BillingApi
{
    public const string SignatureHeader = "X-Signature";
    public const string EventNameHeader = "X-Event-Name";

    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/billing").WithTags("Billing").RequireAuthorization().RequireRateLimit(RateLimitGroups.Billing);
        var webhook = app.MapGroup("/billing").WithTags("Billing").AllowAnonymous().RequireRateLimit(RateLimitGroups.BillingWebhook);

        api.MapPost("/start-checkout", StartCheckout).Describe("startCheckout", "A LemonSqueezy checkout link for a paid tier").ProducesErrors(400, 401, 409, 413, 415, 503);
        api.MapPost("/change-plan", ChangePlan).Describe("changePlan", "Move the caller's subscription to another tier or cycle").ProducesErrors(400, 401, 404, 409, 413, 415, 503);
        webhook.MapPost("/webhook", Webhook).Describe("receiveBillingWebhook", "LemonSqueezy's webhook (signed with X-Signature)").ProducesErrors(401, 413, 503);

        return app;
    }

    public static async Task<Ok<CheckoutResponse>> StartCheckout(StartCheckoutRequest request, ClaimsPrincipal user, HttpContext http, IGrainFactory grains)
    {
        var started = await grains.GetGrain<IBillingAccountGrain>(user.UserId()).StartCheckout(request.Tier, request.BillingCycle, DeviceInfoOf.Request(http));
        return TypedResults.Ok(new CheckoutResponse(started.CheckoutUrl));
    }

    public static async Task<Ok<DataEnvelope<UserResponse>>> ChangePlan(ChangePlanRequest request, ClaimsPrincipal user, HttpContext http, IGrainFactory grains)
    {
        var account = await grains.GetGrain<IBillingAccountGrain>(user.UserId()).ChangePlan(request.Tier, request.BillingCycle, DeviceInfoOf.Request(http));
        return TypedResults.Ok(new DataEnvelope<UserResponse>(UserResponse.From(account)));
    }

    /// <summary>Reads the body as raw bytes (the signature covers exactly them) and hands it to the webhook grain.</summary>
    public static async Task<Ok<DataEnvelope<WebhookAcknowledgement>>> Webhook(HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        var signature = request.Headers[SignatureHeader].ToString();
        var eventName = request.Headers[EventNameHeader].ToString();
        var receipt = await grains.GetGrain<IBillingWebhookGrain>(0).Receive(
            new WebhookDelivery(body.ToArray(), signature.Length == 0 ? null : signature, eventName.Length == 0 ? null : eventName));
        return receipt.Verdict switch
        {
            WebhookVerdict.Accepted => TypedResults.Ok(new DataEnvelope<WebhookAcknowledgement>(new WebhookAcknowledgement(true))),
            WebhookVerdict.SignatureInvalid => throw new DomainException(ErrorCodes.WebhookSignatureInvalid, $"The {SignatureHeader} header is missing or does not match the body."),
            _ => throw new DomainException(ErrorCodes.ServiceUnavailable, "Billing webhooks are not set up on this server."),
        };
    }
}

public sealed record StartCheckoutRequest(
    [property: ClosedSet(typeof(PaidTiers))] string Tier,
    [property: ClosedSet(typeof(BillingPlans))] string BillingCycle);

public sealed record ChangePlanRequest(
    [property: ClosedSet(typeof(PaidTiers))] string Tier,
    [property: ClosedSet(typeof(BillingPlans))] string BillingCycle);

/// <summary>The plan's exact answer of <c>start-checkout</c>.</summary>
public sealed record CheckoutResponse(string CheckoutUrl);

public sealed record WebhookAcknowledgement(bool Received);
