-- Task attachments uploaded to object storage in two steps (docs/architecture.md, "Attachments"), and the deletions
-- of stored objects, kept store-first so that no object is ever forgotten when a silo dies.

-- Objects to delete from object storage: a kind of stored work (docs/architecture.md, "Stored work"). Rows are added
-- in the transaction that stops needing the object; deleting an absent object is harmless, so it is at least once.
CREATE TABLE object_deletions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    storage_key     text        NOT NULL,
    created_at      timestamptz NOT NULL,
    -- The stored-work columns.
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz NULL,
    processed_at    timestamptz NULL,
    outcome         text        NULL,
    last_error      text        NULL,
    CONSTRAINT object_deletions_outcome_known CHECK (outcome IS NULL OR outcome IN ('deleted', 'failed'))
);
CREATE INDEX object_deletions_due ON object_deletions (next_attempt_at) WHERE processed_at IS NULL;

ALTER TABLE task_attachments
    ADD COLUMN storage_key       text        NULL,
    ADD COLUMN content_type      text        NULL,
    ADD COLUMN size              bigint      NULL,
    ADD COLUMN sha256            text        NULL,
    ADD COLUMN status            text        NOT NULL DEFAULT 'ready',
    ADD COLUMN upload_expires_at timestamptz NULL,
    ADD COLUMN completed_at      timestamptz NULL;

ALTER TABLE task_attachments DROP CONSTRAINT task_attachments_kind_known;
ALTER TABLE task_attachments
    ADD CONSTRAINT task_attachments_kind_known CHECK (kind IN ('link', 'upload')),
    ADD CONSTRAINT task_attachments_status_known CHECK (status IN ('pending', 'ready')),
    ADD CONSTRAINT task_attachments_upload_complete CHECK (
        kind <> 'upload' OR (storage_key IS NOT NULL AND content_type IS NOT NULL AND size > 0 AND upload_expires_at IS NOT NULL)),
    ADD CONSTRAINT task_attachments_upload_ready CHECK (kind <> 'upload' OR status = 'pending' OR completed_at IS NOT NULL),
    ADD CONSTRAINT task_attachments_link_ready CHECK (kind <> 'link' OR (status = 'ready' AND storage_key IS NULL)),
    ADD CONSTRAINT task_attachments_sha256_hex CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$');
CREATE UNIQUE INDEX task_attachments_storage_key ON task_attachments (storage_key) WHERE storage_key IS NOT NULL;
-- The sweep of uploads never completed.
CREATE INDEX task_attachments_pending ON task_attachments (upload_expires_at) WHERE status = 'pending';

-- Every path that deletes an upload's row (its DELETE, the sweep, its task's or its project's deletion by cascade)
-- hands its object's key to object_deletions in that same transaction. A trigger, because the project's deletion is
-- the Projects domain's statement and must not need to know about attachments. A pending upload's object is deleted
-- only once its upload URL has expired: a PUT still in flight would otherwise land after the deletion.
CREATE FUNCTION task_attachments_delete_object() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO object_deletions (storage_key, created_at, next_attempt_at)
    VALUES (OLD.storage_key, now(), CASE WHEN OLD.status = 'pending' THEN GREATEST(now(), OLD.upload_expires_at) ELSE now() END);
    RETURN NULL;
END;
$$;

CREATE TRIGGER task_attachments_delete_object
    AFTER DELETE ON task_attachments
    FOR EACH ROW WHEN (OLD.kind = 'upload')
    EXECUTE FUNCTION task_attachments_delete_object();
