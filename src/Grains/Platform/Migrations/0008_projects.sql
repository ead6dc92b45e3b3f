-- Projects and their teams. ProjectGrain is the single writer of a project's row, members and tags; the lists and
-- filters read these tables directly. Everything a project owns goes with it (ON DELETE CASCADE).

CREATE TABLE projects (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The account whose plan the project counts against; its keys are unique among that account's projects.
    created_by       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key              text        NOT NULL,
    name             text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    archived_at      timestamptz NULL,
    -- The next task number (HIVE-42): taken and bumped in the task's own insert, so numbers never repeat or skip.
    next_task_number bigint      NOT NULL DEFAULT 1,
    -- Bumped by every change of the row: the project's ETag.
    version          bigint      NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    search           tsvector    GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')) STORED,
    CONSTRAINT projects_key_format CHECK (key ~ '^[A-Z][A-Z0-9]{1,9}$')
);
CREATE UNIQUE INDEX projects_key_per_creator ON projects (created_by, key);
CREATE INDEX projects_search ON projects USING gin (search);

CREATE TABLE project_members (
    project_id bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL,
    joined_at  timestamptz NOT NULL,
    PRIMARY KEY (project_id, user_id),
    CONSTRAINT project_members_role_known CHECK (role IN ('owner', 'admin', 'member', 'viewer'))
);
-- "My projects": every list starts from the caller's memberships.
CREATE INDEX project_members_by_user ON project_members (user_id, project_id) INCLUDE (role);

CREATE TABLE project_favorites (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, project_id)
);
CREATE INDEX project_favorites_by_project ON project_favorites (project_id);

CREATE TABLE project_tags (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX project_tags_name_per_project ON project_tags (project_id, lower(name));
-- The list's tag filter: projects carrying a tag of that name.
CREATE INDEX project_tags_by_name ON project_tags (lower(name), project_id);
