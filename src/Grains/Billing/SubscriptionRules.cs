using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Limits;

namespace HiveSync.Grains.Billing;

/// <summary>
/// What a subscription means for its user: the tier it grants now, whether it is live (would charge again or
/// can be resumed), how it is shown by the API, and which of two states is the newer.
/// </summary>
public static class SubscriptionRules
{
    /// <summary>
    /// The tier a subscription grants at <paramref name="now"/>. Paying or trying (<c>active</c>, <c>on_trial</c>)
    /// and renewal being retried (<c>past_due</c>) keep the paid tier; <c>cancelled</c> keeps it until
    /// <c>ends_at</c>; <c>paused</c>, <c>unpaid</c>, <c>expired</c>, an unknown status or a variant HiveSync does
    /// not sell grant <c>free</c>.
    /// </summary>
    public static string EffectiveTier(SubscriptionState s, DateTimeOffset now)
    {
        if (!Tiers.IsPaid(s.Tier))
        {
            return Tiers.Free;
        }

        return s.Status switch
        {
            SubscriptionStatuses.Active or SubscriptionStatuses.OnTrial or SubscriptionStatuses.PastDue => s.Tier!,
            SubscriptionStatuses.Cancelled when s.EndsAt > now => s.Tier!,
            _ => Tiers.Free,
        };
    }

    /// <summary>
    /// Live: LemonSqueezy may still charge it or the customer may resume it, so a second checkout could mean
    /// paying twice. Everything but <c>expired</c> and a <c>cancelled</c> one past its <c>ends_at</c>.
    /// </summary>
    public static bool IsLive(SubscriptionState s, DateTimeOffset now) => s.Status switch
    {
        SubscriptionStatuses.Expired => false,
        SubscriptionStatuses.Cancelled => s.EndsAt > now,
        _ => true,
    };

    /// <summary>
    /// The status in the plan's vocabulary for clients (<c>active | past_due | canceled | paused | expired</c>):
    /// <c>on_trial</c> shows as active, <c>unpaid</c> as past_due, <c>cancelled</c> as canceled.
    /// </summary>
    public static string ApiStatus(string status) => status switch
    {
        SubscriptionStatuses.Active or SubscriptionStatuses.OnTrial => ApiSubscriptionStatuses.Active,
        SubscriptionStatuses.PastDue or SubscriptionStatuses.Unpaid => ApiSubscriptionStatuses.PastDue,
        SubscriptionStatuses.Cancelled => ApiSubscriptionStatuses.Canceled,
        SubscriptionStatuses.Paused => ApiSubscriptionStatuses.Paused,
        SubscriptionStatuses.Expired => ApiSubscriptionStatuses.Expired,
        _ => status,
    };

    /// <summary>The subscription the user object shows: the one granting the highest tier now, else a live one, else the newest.</summary>
    public static SubscriptionState? Current(IEnumerable<SubscriptionState> subscriptions, DateTimeOffset now) =>
        subscriptions
            .OrderByDescending(s => TierRank(EffectiveTier(s, now)))
            .ThenByDescending(s => IsLive(s, now))
            .ThenByDescending(s => s.UpdatedAt)
            .ThenByDescending(s => s.TieBreak)
            .FirstOrDefault();

    /// <summary>
    /// The plan the subscriptions grant from now on, as a timeline: what holds now (from the start of time), then
    /// one entry at each future <c>ends_at</c> of a cancelled subscription, the only moments the plan changes
    /// without an event. The user's grain picks the entry in force whenever it answers.
    /// </summary>
    public static IReadOnlyList<UserPlan> PlanTimeline(IReadOnlyCollection<SubscriptionState> subscriptions, DateTimeOffset now)
    {
        var changes = subscriptions
            .Where(s => s.Status == SubscriptionStatuses.Cancelled && s.EndsAt > now)
            .Select(s => s.EndsAt!.Value)
            .Distinct()
            .Order();
        return [PlanAt(subscriptions, now, DateTimeOffset.MinValue), .. changes.Select(at => PlanAt(subscriptions, at, at))];
    }

    private static UserPlan PlanAt(IReadOnlyCollection<SubscriptionState> subscriptions, DateTimeOffset at, DateTimeOffset from) =>
        Current(subscriptions, at) is { } s
            ? new UserPlan(from, EffectiveTier(s, at), ApiStatus(s.Status), s.SubscriptionId, s.RenewsAt, s.EndsAt)
            : UserPlan.Free with { From = from };

    /// <summary>The live subscription a new checkout would duplicate, if any.</summary>
    public static SubscriptionState? Live(IEnumerable<SubscriptionState> subscriptions, DateTimeOffset now) =>
        Current(subscriptions.Where(s => IsLive(s, now)), now);

    public static int TierRank(string? tier) => tier is null ? -1 : IndexOf(Tiers.Ordered, tier);

    /// <summary>Orders two states of one subscription: LemonSqueezy's <c>updated_at</c>, then the tie-break.</summary>
    public static int Compare(SubscriptionState a, SubscriptionState b)
    {
        var byTime = a.UpdatedAt.CompareTo(b.UpdatedAt);
        return byTime != 0 ? byTime : a.TieBreak.CompareTo(b.TieBreak);
    }

    /// <summary>
    /// Orders two different states stamped with the same second, so that any arrival order ends in the same one:
    /// the later lifecycle status first (a cancellation beats the activation of that second), then a hash of the
    /// state. Equal states get equal tie-breaks, which is how a redelivery is recognised.
    /// </summary>
    public static long TieBreak(string status, long variantId, bool cancelled, DateTimeOffset? renewsAt, DateTimeOffset? endsAt, DateTimeOffset? trialEndsAt)
    {
        var canonical = string.Join(
            '|',
            status,
            variantId.ToString(CultureInfo.InvariantCulture),
            cancelled ? "1" : "0",
            Ticks(renewsAt),
            Ticks(endsAt),
            Ticks(trialEndsAt));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        var low = BitConverter.ToInt64(hash, 0) & 0x00FF_FFFF_FFFF_FFFFL;
        return ((long)StatusRank(status) << 56) | low;
    }

    private static int StatusRank(string status) => status switch
    {
        SubscriptionStatuses.OnTrial => 1,
        SubscriptionStatuses.Active => 2,
        SubscriptionStatuses.Paused => 3,
        SubscriptionStatuses.PastDue => 4,
        SubscriptionStatuses.Unpaid => 5,
        SubscriptionStatuses.Cancelled => 6,
        SubscriptionStatuses.Expired => 7,
        _ => 0,
    };

    private static string Ticks(DateTimeOffset? value) => value?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}
