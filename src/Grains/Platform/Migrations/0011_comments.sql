-- Comments on a project or on one of its tasks, their earlier versions and their stars.

CREATE TABLE comments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    entity_type text        NOT NULL,
    -- The task commented on (null for a comment on the project itself): deleting the task deletes its comments.
    task_id     bigint      NULL,
    author_id   bigint      NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    edited_at   timestamptz NULL,
    version     integer     NOT NULL DEFAULT 1,
    search      tsvector    GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
    FOREIGN KEY (project_id, task_id) REFERENCES tasks (project_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_entity CHECK ((entity_type = 'task') = (task_id IS NOT NULL) AND entity_type IN ('task', 'project'))
);
CREATE INDEX comments_by_task ON comments (task_id, id) WHERE task_id IS NOT NULL;
CREATE INDEX comments_by_project ON comments (project_id, id) WHERE task_id IS NULL;
CREATE INDEX comments_search ON comments USING gin (search);

-- Each edit keeps the body it replaced.
CREATE TABLE comment_versions (
    comment_id  bigint      NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    version     integer     NOT NULL,
    body        text        NOT NULL,
    written_at  timestamptz NOT NULL,
    PRIMARY KEY (comment_id, version)
);

CREATE TABLE comment_stars (
    comment_id bigint      NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);
