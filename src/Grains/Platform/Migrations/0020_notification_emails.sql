-- Notification emails, batched per user (docs/architecture.md, "Notification emails"). A notification is created when
-- either of its type's channels is on: shown says whether the in-app list shows it, email_state whether it waits for
-- an email (pending), went out in one (sent), or needed none after all (skipped: read in the app first, or the
-- address is not verified). A user's pending notifications go out together in one digest: a stored-work item, at
-- most one open per user, due at once or when the user's last digest's quiet period ends.

ALTER TABLE notifications ADD COLUMN shown boolean NOT NULL DEFAULT true;
ALTER TABLE notifications ADD COLUMN email_state text NULL;
ALTER TABLE notifications ADD CONSTRAINT notifications_email_state_known CHECK (email_state IS NULL OR email_state IN ('pending', 'sent', 'skipped'));
CREATE INDEX notifications_email_pending ON notifications (user_id, id) WHERE email_state = 'pending';

CREATE TABLE notification_digests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL,
    -- Set when it is done: no digest of this user is due before it.
    quiet_until     timestamptz NULL,
    -- The stored-work columns.
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz NULL,
    processed_at    timestamptz NULL,
    outcome         text        NULL,
    last_error      text        NULL,
    CONSTRAINT notification_digests_outcome_known CHECK (outcome IS NULL OR outcome IN ('sent', 'nothing', 'unverified', 'failed'))
);
CREATE UNIQUE INDEX notification_digests_open ON notification_digests (user_id) WHERE processed_at IS NULL;
CREATE INDEX notification_digests_by_user ON notification_digests (user_id, quiet_until);
CREATE INDEX notification_digests_due ON notification_digests (next_attempt_at) WHERE processed_at IS NULL;
