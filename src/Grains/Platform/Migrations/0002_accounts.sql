-- Accounts and sign-in: users, device sessions, rotating refresh tokens, the audit log and app secrets.

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text        NOT NULL,
    password_hash  text        NOT NULL,
    display_name   text        NULL,
    avatar_url     text        NULL,
    preferences    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    role           text        NOT NULL DEFAULT 'user',
    email_verified boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- Emails are stored normalised, so uniqueness is case-insensitive by construction.
    CONSTRAINT users_email_normalised CHECK (email = lower(btrim(email))),
    CONSTRAINT users_role_known CHECK (role IN ('user', 'admin')),
    CONSTRAINT users_preferences_object CHECK (jsonb_typeof(preferences) = 'object')
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE device_sessions (
    id            uuid        PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_name   text        NULL,
    user_agent    text        NULL,
    ip_address    text        NULL,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz NULL,
    revoke_reason text        NULL
);
CREATE INDEX device_sessions_live_by_user ON device_sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens are opaque; only their SHA-256 is kept. A used row stays (until its expiry) so that a
-- replay of it is recognised as reuse and revokes the session.
CREATE TABLE refresh_tokens (
    token_hash bytea       PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES device_sessions (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz NULL
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- Append-only; no foreign keys so entries outlive what they describe (and failed logins of unknown emails fit).
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    action        text        NOT NULL,
    actor_user_id bigint      NULL,
    subject_type  text        NULL,
    subject_id    text        NULL,
    ip_address    text        NULL,
    user_agent    text        NULL,
    request_id    text        NULL,
    details       jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_by_time ON audit_log (occurred_at DESC);
CREATE INDEX audit_log_by_actor ON audit_log (actor_user_id, occurred_at DESC);
CREATE INDEX audit_log_by_action ON audit_log (action, occurred_at DESC);

-- Secrets the cluster generates for itself when none is configured (e.g. the access-token signing key).
CREATE TABLE app_secrets (
    name       text        PRIMARY KEY,
    value      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
