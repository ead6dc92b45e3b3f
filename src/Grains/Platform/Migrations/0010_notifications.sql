-- In-app notifications and each user's choice of channels per event type. A notification is written in the same
-- transaction as the change that causes it (NotificationStore.AddAsync), so none is lost and none exists for a
-- change that rolled back. It names what it is about by id and keeps what it showed (names, keys) in its payload,
-- so it still reads well after the project or task is gone.

CREATE TABLE notifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type        text        NOT NULL,
    actor_id    bigint      NULL,
    project_id  bigint      NULL,
    task_id     bigint      NULL,
    comment_id  bigint      NULL,
    payload     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL,
    read_at     timestamptz NULL
);
CREATE INDEX notifications_by_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_by_user ON notifications (user_id, id DESC) WHERE read_at IS NULL;

-- A row only where the user changed a default (both channels on).
CREATE TABLE notification_settings (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_type text        NOT NULL,
    in_app     boolean     NOT NULL,
    email      boolean     NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, event_type)
);
