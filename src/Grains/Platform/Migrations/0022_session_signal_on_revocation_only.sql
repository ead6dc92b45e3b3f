-- The signal of a revoked session (0019) ran for every UPDATE statement on device_sessions, refreshes and last-seen
-- touches included, and collected each statement's rows into a transition table. It now fires only when revoked_at
-- is set, row by row: a refresh or a touch never sets that column, so it no longer costs them anything.
DROP TRIGGER device_sessions_signal_revoked ON device_sessions;
DROP FUNCTION signal_revoked_sessions();

CREATE FUNCTION signal_revoked_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hivesync_notifications', NEW.user_id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER device_sessions_signal_revoked AFTER UPDATE OF revoked_at ON device_sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION signal_revoked_session();
