-- Live notifications: every committed insert into notifications signals the users it was for on the channel
-- hivesync_notifications (payload: the user id). PostgreSQL delivers a NOTIFY only when its transaction commits, to
-- every silo listening, so a silo that dies right after the commit loses no signal and a rolled-back change sends none.
-- Identical payloads of one transaction are folded into one.

CREATE FUNCTION signal_new_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hivesync_notifications', n.user_id::text) FROM (SELECT DISTINCT user_id FROM inserted) AS n;
    RETURN NULL;
END;
$$;

CREATE TRIGGER notifications_signal AFTER INSERT ON notifications
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION signal_new_notifications();

-- A revoked session wakes its user's streams the same way: each checks its session at once, and the revoked one ends
-- without waiting for its heartbeat.
CREATE FUNCTION signal_revoked_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hivesync_notifications', s.user_id::text) FROM (SELECT DISTINCT user_id FROM updated WHERE revoked_at IS NOT NULL) AS s;
    RETURN NULL;
END;
$$;

CREATE TRIGGER device_sessions_signal_revoked AFTER UPDATE ON device_sessions
    REFERENCING NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION signal_revoked_sessions();
