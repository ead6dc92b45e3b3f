-- Auth no longer reads billing's tables: billing computes the plan a user's subscriptions grant (a timeline, since
-- a cancelled subscription lapses at its ends_at without any event) and hands it to the user's grain, which keeps it
-- here. subscriptions.plan_synced_at says billing's last hand-over of that user's plan succeeded; rows of existing
-- databases start NULL, so every silo hands those plans over once at start-up.
CREATE TABLE user_plans (
    user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    timeline jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);

ALTER TABLE subscriptions ADD COLUMN plan_synced_at timestamptz;
CREATE INDEX subscriptions_plan_unsynced ON subscriptions (user_id) WHERE plan_synced_at IS NULL AND user_id IS NOT NULL;
