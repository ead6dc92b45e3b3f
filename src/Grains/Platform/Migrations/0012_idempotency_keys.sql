-- Idempotency-Key: per user, the first request with a key and the answer it got, kept 24 hours. A retry with the same
-- key and body gets that answer again instead of a second effect.
CREATE TABLE idempotency_keys (
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    -- null while the first request runs; then its answer.
    status       integer     NULL,
    location     text        NULL,
    body         text        NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (user_id, created_at);
