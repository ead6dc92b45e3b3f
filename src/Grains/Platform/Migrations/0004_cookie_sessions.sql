-- Cookie sessions of the web frontend (opened by exchanging a one-time login token) are device sessions too, so
-- logout, the sessions list and DELETE /auth/sessions/{id} treat both alike; the kind tells them apart. A cookie
-- session has no refresh tokens: it lives until its expiry.
ALTER TABLE device_sessions ADD COLUMN kind text NOT NULL DEFAULT 'device';
ALTER TABLE device_sessions ADD CONSTRAINT device_sessions_kind_known CHECK (kind IN ('device', 'cookie'));
