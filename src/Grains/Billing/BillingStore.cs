using Dapper;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Platform;
using Npgsql;

namespace HiveSync.Grains.Billing;

/// <summary>A row of <c>subscriptions</c>.</summary>
public sealed class SubscriptionRow
{
    public string Id { get; set; } = "";

    public long? UserId { get; set; }

    public long VariantId { get; set; }

    public string? Tier { get; set; }

    public string? BillingCycle { get; set; }

    public string Status { get; set; } = "";

    public bool Cancelled { get; set; }

    public DateTime? RenewsAt { get; set; }

    public DateTime? EndsAt { get; set; }

    public DateTime? TrialEndsAt { get; set; }

    public DateTime ProviderUpdatedAt { get; set; }

    public long TieBreak { get; set; }

    public long? StoreId { get; set; }

    public long? CustomerId { get; set; }

    public long? ProductId { get; set; }

    public bool TestMode { get; set; }

    public DateTime? ProviderCreatedAt { get; set; }

    public long? LastEventId { get; set; }

    public const string Columns =
        "id, user_id, variant_id, tier, billing_cycle, status, cancelled, renews_at, ends_at, trial_ends_at, provider_updated_at, tie_break, store_id, customer_id, product_id, test_mode, provider_created_at, last_event_id";

    public SubscriptionState ToState() => new(
        Id, UserId, VariantId, Tier, BillingCycle, Status, Cancelled, RenewsAt.AsUtc(), EndsAt.AsUtc(), TrialEndsAt.AsUtc(), ProviderUpdatedAt.AsUtc(),
        TieBreak, StoreId, CustomerId, ProductId, TestMode, ProviderCreatedAt.AsUtc());
}

/// <summary>SQL for subscriptions and billing events. Only the billing grains write through it.</summary>
public sealed class BillingStore(NpgsqlDataSource db)
{
    static BillingStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary><c>billing_events</c> as stored work: claims, retries and give-ups (see <see cref="BillingEventProcessor"/>).</summary>
    public StoredWorkTable Events { get; } = new(db, "billing_events");

    /// <summary>
    /// Stores a verified event, due at once, or finds the row of an identical earlier delivery; returns its id.
    /// </summary>
    public async Task<long> InsertEventAsync(DateTime receivedAt, string? eventName, byte[] bodySha256, byte[] body)
    {
        await using var connection = await db.OpenConnectionAsync();
        var inserted = await connection.ExecuteScalarAsync<long?>(
            """
            INSERT INTO billing_events (received_at, event_name, body_sha256, body, next_attempt_at)
            VALUES (@receivedAt, @eventName, @bodySha256, @body, @receivedAt)
            ON CONFLICT (body_sha256) DO NOTHING
            RETURNING id
            """,
            new { receivedAt, eventName, bodySha256, body });

        // A separate statement: the conflicting row may have been committed after the insert's snapshot was taken.
        return inserted ?? await connection.QuerySingleAsync<long>("SELECT id FROM billing_events WHERE body_sha256 = @bodySha256", new { bodySha256 });
    }

    public async Task<byte[]> EventBodyAsync(long eventId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<byte[]>("SELECT body FROM billing_events WHERE id = @eventId", new { eventId });
    }

    /// <summary>
    /// Records the outcome of the attempt that holds <paramref name="claim"/>; an attempt that lost its claim changes
    /// nothing. An audit entry given is written in the same transaction, by the winning attempt only, so an event is
    /// audited once.
    /// </summary>
    public Task<bool> MarkProcessedAsync(StoredWorkClaim claim, DateTime now, string outcome, string? eventName, string? subscriptionId, long? userId, AuditEntry? audit = null) =>
        Events.MarkDoneAsync(claim, now, outcome, async (connection, tx) =>
        {
            await connection.ExecuteAsync(
                "UPDATE billing_events SET event_name = COALESCE(@eventName, event_name), subscription_id = @subscriptionId, user_id = @userId WHERE id = @Id",
                new { claim.Id, eventName, subscriptionId, userId },
                tx);
            if (audit is not null)
            {
                await AuditLog.WriteAsync(audit, connection, tx);
            }
        });

    public async Task<(SubscriptionState State, long? LastEventId)?> LoadSubscriptionAsync(string subscriptionId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(
            $"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE id = @subscriptionId",
            new { subscriptionId });
        return row is null ? null : (row.ToState(), row.LastEventId);
    }

    /// <summary>
    /// Stores the state if it is newer than the stored one (the condition holds even if two activations of the
    /// subscription's grain ever raced), with its audit entry in the same transaction. False when it was not newer.
    /// </summary>
    public async Task<bool> UpsertSubscriptionAsync(SubscriptionState s, long? eventId, DateTime now, AuditEntry audit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var changed = await connection.ExecuteAsync(
            """
            INSERT INTO subscriptions AS cur (id, user_id, variant_id, tier, billing_cycle, status, cancelled, renews_at, ends_at, trial_ends_at,
                provider_updated_at, tie_break, store_id, customer_id, product_id, test_mode, provider_created_at, last_event_id, applied_at)
            VALUES (@SubscriptionId, @UserId, @VariantId, @Tier, @BillingCycle, @Status, @Cancelled, @RenewsAt, @EndsAt, @TrialEndsAt,
                @UpdatedAt, @TieBreak, @StoreId, @CustomerId, @ProductId, @TestMode, @CreatedAt, @eventId, @now)
            ON CONFLICT (id) DO UPDATE SET
                user_id = COALESCE(cur.user_id, EXCLUDED.user_id), variant_id = EXCLUDED.variant_id, tier = EXCLUDED.tier,
                billing_cycle = EXCLUDED.billing_cycle, status = EXCLUDED.status, cancelled = EXCLUDED.cancelled,
                renews_at = EXCLUDED.renews_at, ends_at = EXCLUDED.ends_at, trial_ends_at = EXCLUDED.trial_ends_at,
                provider_updated_at = EXCLUDED.provider_updated_at, tie_break = EXCLUDED.tie_break, store_id = EXCLUDED.store_id,
                customer_id = EXCLUDED.customer_id, product_id = EXCLUDED.product_id, test_mode = EXCLUDED.test_mode,
                provider_created_at = EXCLUDED.provider_created_at, last_event_id = EXCLUDED.last_event_id, applied_at = EXCLUDED.applied_at,
                plan_synced_at = NULL
            WHERE (cur.provider_updated_at, cur.tie_break) < (EXCLUDED.provider_updated_at, EXCLUDED.tie_break)
            """,
            new
            {
                s.SubscriptionId,
                s.UserId,
                s.VariantId,
                s.Tier,
                s.BillingCycle,
                s.Status,
                s.Cancelled,
                RenewsAt = s.RenewsAt?.UtcDateTime,
                EndsAt = s.EndsAt?.UtcDateTime,
                TrialEndsAt = s.TrialEndsAt?.UtcDateTime,
                UpdatedAt = s.UpdatedAt.UtcDateTime,
                s.TieBreak,
                s.StoreId,
                s.CustomerId,
                s.ProductId,
                s.TestMode,
                CreatedAt = s.CreatedAt?.UtcDateTime,
                eventId,
                now,
            },
            tx);
        if (changed != 1)
        {
            return false;
        }

        await AuditLog.WriteAsync(audit, connection, tx);
        await tx.CommitAsync();
        return true;
    }

    /// <summary>Links a subscription stored without a user to one; the first link stays.</summary>
    public async Task LinkUserAsync(string subscriptionId, long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE subscriptions SET user_id = @userId, plan_synced_at = NULL WHERE id = @subscriptionId AND user_id IS NULL", new { subscriptionId, userId });
    }

    /// <summary>A user's subscriptions (a handful at most), for <see cref="UserSubscriptionsGrain"/>.</summary>
    public async Task<List<SubscriptionState>> LoadSubscriptionsOfUserAsync(long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<SubscriptionRow>($"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE user_id = @userId", new { userId });
        return rows.Select(r => r.ToState()).ToList();
    }

    /// <summary>Notes that the user's plan, as of all their subscriptions, was handed to their grain.</summary>
    public async Task MarkPlanSyncedAsync(long userId, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE subscriptions SET plan_synced_at = @now WHERE user_id = @userId", new { userId, now });
    }

    /// <summary>Users whose plan was not (yet) handed over: rows from before plans were, or a hand-over that failed.</summary>
    public async Task<List<long>> UsersWithPlanToSyncAsync(int limit)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<long>(
            "SELECT DISTINCT user_id FROM subscriptions WHERE plan_synced_at IS NULL AND user_id IS NOT NULL LIMIT @limit", new { limit });
        return rows.AsList();
    }

    public async Task<long?> UserOfSubscriptionAsync(string subscriptionId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT user_id FROM subscriptions WHERE id = @subscriptionId", new { subscriptionId });
    }
}
