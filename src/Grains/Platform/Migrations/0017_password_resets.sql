-- Password-reset links: stored as SHA-256 of the token, single-use, expiring within the hour. Using one sets the
-- new password and revokes every session of the account in one transaction.

CREATE TABLE password_resets (
    token_hash bytea       PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz NULL
);
CREATE INDEX password_resets_by_user ON password_resets (user_id) WHERE used_at IS NULL;
