using System.Globalization;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Billing;

/// <summary>
/// One user's purchases. A user without a live subscription gets a LemonSqueezy checkout; a user with one never
/// gets a second checkout (that would bill two subscriptions) but changes the plan of the one they have, the way
/// LemonSqueezy documents it: <c>PATCH /v1/subscriptions/{id}</c> with the new variant.
/// </summary>
public sealed class BillingAccountGrain(LemonSqueezyApi lemonSqueezy, AuditLog audit, IOptionsMonitor<BillingOptions> options, DomainClock clock) : Grain, IBillingAccountGrain
{
    private long UserId => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => new(clock.UtcNow);

    private IUserSubscriptionsGrain Subscriptions => GrainFactory.GetGrain<IUserSubscriptionsGrain>(UserId);

    public async Task<CheckoutStarted> StartCheckout(string? tier, string? billingCycle, DeviceInfo device)
    {
        var (plan, cycle) = ValidatePlan(tier, billingCycle);
        var o = RequireConfigured();
        var user = GrainFactory.GetGrain<IUserGrain>(UserId);
        var account = await user.GetAccount();
        if (SubscriptionRules.Live(await Subscriptions.GetAll(), Now) is { } live)
        {
            throw new DomainException(
                ErrorCodes.SubscriptionExists,
                "You already have a subscription; change its plan with POST /api/v1/billing/change-plan instead of buying a second one.",
                new
                {
                    subscription_id = live.SubscriptionId,
                    status = SubscriptionRules.ApiStatus(live.Status),
                    tier = live.Tier,
                    billing_cycle = live.BillingCycle,
                });
        }

        var variant = o.VariantFor(plan, cycle)!.Value;
        var url = await lemonSqueezy.CreateCheckoutAsync(variant, UserId, account.Email, Now + o.CheckoutLifetime);
        await audit.WriteAsync(new AuditEntry(AuditActions.CheckoutCreated, UserId, device, "variant", variant.ToString(CultureInfo.InvariantCulture), new { tier = plan, billing_cycle = cycle }));
        return new CheckoutStarted(url);
    }

    public async Task<UserAccount> ChangePlan(string? tier, string? billingCycle, DeviceInfo device)
    {
        var (plan, cycle) = ValidatePlan(tier, billingCycle);
        var o = RequireConfigured();
        var user = GrainFactory.GetGrain<IUserGrain>(UserId);
        var live = SubscriptionRules.Live(await Subscriptions.GetAll(), Now)
            ?? throw new DomainException(ErrorCodes.SubscriptionNotFound, "You have no live subscription to change; start a checkout instead.");

        var variant = o.VariantFor(plan, cycle)!.Value;
        var resume = live.Status == SubscriptionStatuses.Cancelled;
        if (variant == live.VariantId && !resume)
        {
            throw new DomainException(ErrorCodes.Conflict, "Your subscription is already on this plan.", new { subscription_id = live.SubscriptionId, tier = plan, billing_cycle = cycle });
        }

        // An upgrade is invoiced at once, so the higher tier is paid for when it is granted; downgrades are credited at renewal.
        var upgrade = SubscriptionRules.TierRank(plan) > SubscriptionRules.TierRank(live.Tier);
        var state = await lemonSqueezy.UpdateSubscriptionVariantAsync(live.SubscriptionId, variant, resume, invoiceImmediately: upgrade);
        await GrainFactory.GetGrain<ISubscriptionGrain>(SubscriptionGrain.KeyOf(live.SubscriptionId))
            .Apply(new SubscriptionUpdate(null, "api.subscription_updated", state, UserId));
        await audit.WriteAsync(new AuditEntry(
            AuditActions.PlanChanged,
            UserId,
            device,
            "subscription",
            live.SubscriptionId,
            new { from_variant_id = live.VariantId, to_variant_id = variant, tier = plan, billing_cycle = cycle, resumed = resume, invoiced_immediately = upgrade }));
        return await user.GetAccount();
    }

    private static (string Tier, string BillingCycle) ValidatePlan(string? tier, string? billingCycle)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Tiers.IsPaid(tier))
        {
            errors["tier"] = ["Must be 'pro' or 'premium'."];
        }

        if (billingCycle is not (BillingPlans.Monthly or BillingPlans.Yearly))
        {
            errors["billing_cycle"] = ["Must be 'monthly' or 'yearly'."];
        }

        return errors.Count > 0 ? throw DomainException.Validation(errors) : (tier!, billingCycle!);
    }

    private BillingOptions RequireConfigured()
    {
        var o = options.CurrentValue;
        return o.CheckoutConfigured
            ? o
            : throw new DomainException(ErrorCodes.ServiceUnavailable, "Billing is not set up on this server.", new { reason = "billing_not_configured" });
    }
}
