-- Links that verify an account's email address: stored as SHA-256 of the token, single-use, expiring, and bound to
-- the address they were sent to (a link for an address the account no longer has verifies nothing).

CREATE TABLE email_verifications (
    token_hash bytea       PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz NULL
);
CREATE INDEX email_verifications_by_user ON email_verifications (user_id) WHERE used_at IS NULL;
