-- A rotation prunes its session's expired refresh tokens; used ones are kept until they expire (so reuse is
-- recognised), so a session gathers one row per refresh. With expiry in the index the prune reads only what it
-- deletes instead of every row of the session. The index serves lookups by session as the old one did.
CREATE INDEX refresh_tokens_by_session_expiry ON refresh_tokens (session_id, expires_at);
DROP INDEX refresh_tokens_by_session;
