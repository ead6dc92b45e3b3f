-- Billing: LemonSqueezy subscriptions (the newest state of each) and every verified webhook event.

-- One row per LemonSqueezy subscription; SubscriptionGrain is its only writer and keeps the newest state
-- (by LemonSqueezy's updated_at, then tie_break) however deliveries are duplicated or reordered.
CREATE TABLE subscriptions (
    id                  text        PRIMARY KEY, -- LemonSqueezy's subscription id
    user_id             bigint      NULL REFERENCES users (id) ON DELETE SET NULL,
    variant_id          bigint      NOT NULL,
    tier                text        NULL,        -- what variant_id sold when applied; NULL: not a HiveSync plan
    billing_cycle       text        NULL,
    status              text        NOT NULL,    -- LemonSqueezy's spelling (on_trial, active, cancelled, ...)
    cancelled           boolean     NOT NULL,
    renews_at           timestamptz NULL,
    ends_at             timestamptz NULL,
    trial_ends_at       timestamptz NULL,
    provider_updated_at timestamptz NOT NULL,
    tie_break           bigint      NOT NULL,
    store_id            bigint      NULL,
    customer_id         bigint      NULL,
    product_id          bigint      NULL,
    test_mode           boolean     NOT NULL,
    provider_created_at timestamptz NULL,
    last_event_id       bigint      NULL,        -- the billing_events row that set this state (NULL: an API answer)
    applied_at          timestamptz NOT NULL,
    CONSTRAINT subscriptions_tier_known CHECK (tier IS NULL OR tier IN ('pro', 'premium')),
    CONSTRAINT subscriptions_cycle_known CHECK (billing_cycle IS NULL OR billing_cycle IN ('monthly', 'yearly'))
);
CREATE INDEX subscriptions_by_user ON subscriptions (user_id) WHERE user_id IS NOT NULL;

-- Every webhook event whose signature verified, stored before it is applied so none is lost if applying fails.
-- Identical redeliveries (same bytes) share one row; processed_at IS NULL means an attempt is still due.
CREATE TABLE billing_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at     timestamptz NOT NULL,
    event_name      text        NULL,
    body_sha256     bytea       NOT NULL,
    body            bytea       NOT NULL,        -- the raw signed bytes, so the event can be re-verified and replayed
    subscription_id text        NULL,
    user_id         bigint      NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    processed_at    timestamptz NULL,
    outcome         text        NULL,
    last_error      text        NULL,
    CONSTRAINT billing_events_body_unique UNIQUE (body_sha256),
    CONSTRAINT billing_events_outcome_known CHECK (outcome IS NULL OR outcome IN
        ('applied', 'unmatched', 'duplicate', 'stale', 'recorded', 'ignored', 'invalid', 'failed'))
);
CREATE INDEX billing_events_due ON billing_events (next_attempt_at) WHERE processed_at IS NULL;
CREATE INDEX billing_events_by_subscription ON billing_events (subscription_id, received_at) WHERE subscription_id IS NOT NULL;
