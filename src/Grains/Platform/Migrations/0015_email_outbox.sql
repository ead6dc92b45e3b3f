-- Emails to send: written in the transaction of the change that causes them (never sent for one that rolled back),
-- delivered by the stored-work piece, at most once per row (docs/architecture.md, "Email").

CREATE TABLE email_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- What the message is for (verify_email, password_reset, ...): logs and admins read it.
    kind            text        NOT NULL,
    to_address      text        NOT NULL,
    subject         text        NOT NULL,
    text_body       text        NOT NULL,
    created_at      timestamptz NOT NULL,
    -- The stored-work columns.
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz NULL,
    processed_at    timestamptz NULL,
    outcome         text        NULL,
    last_error      text        NULL,
    CONSTRAINT email_outbox_outcome_known CHECK (outcome IS NULL OR outcome IN ('sent', 'written', 'failed'))
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE processed_at IS NULL;
