-- Tasks of a project, their labels, assignees, dependencies, links and change history. The database serialises
-- what must not race: the project row's lock hands out task numbers, foreign keys keep assignees members and every
-- link inside one project, and a per-project advisory lock orders dependency additions for the cycle check.

CREATE TABLE tasks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    number       bigint      NOT NULL,
    title        text        NOT NULL,
    description  text        NOT NULL DEFAULT '',
    status       text        NOT NULL,
    priority     text        NOT NULL,
    due_date     date        NULL,
    created_by   bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    completed_at timestamptz NULL,
    version      bigint      NOT NULL DEFAULT 1,
    search       tsvector    GENERATED ALWAYS AS (
                     setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')) STORED,
    CONSTRAINT tasks_status_known CHECK (status IN ('todo', 'in_progress', 'in_review', 'done', 'canceled')),
    CONSTRAINT tasks_priority_known CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    CONSTRAINT tasks_number_positive CHECK (number > 0)
);
CREATE UNIQUE INDEX tasks_number_per_project ON tasks (project_id, number);
CREATE UNIQUE INDEX tasks_id_per_project ON tasks (project_id, id); -- the target of every same-project foreign key
CREATE INDEX tasks_by_status ON tasks (project_id, status, number);
CREATE INDEX tasks_by_priority ON tasks (project_id, priority, number);
CREATE INDEX tasks_by_due ON tasks (project_id, due_date, number);
CREATE INDEX tasks_by_updated ON tasks (project_id, updated_at, id);
CREATE INDEX tasks_by_created ON tasks (project_id, created_at, id);
CREATE INDEX tasks_by_title ON tasks (project_id, lower(title), id);
CREATE INDEX tasks_search ON tasks USING gin (search);

CREATE TABLE labels (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    color      text        NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT labels_color_format CHECK (color ~ '^#[0-9A-Fa-f]{6}$')
);
CREATE UNIQUE INDEX labels_name_per_project ON labels (project_id, lower(name));
CREATE UNIQUE INDEX labels_id_per_project ON labels (project_id, id);

CREATE TABLE task_labels (
    project_id bigint NOT NULL,
    task_id    bigint NOT NULL,
    label_id   bigint NOT NULL,
    PRIMARY KEY (task_id, label_id),
    FOREIGN KEY (project_id, task_id) REFERENCES tasks (project_id, id) ON DELETE CASCADE,
    FOREIGN KEY (project_id, label_id) REFERENCES labels (project_id, id) ON DELETE CASCADE
);
CREATE INDEX task_labels_by_label ON task_labels (label_id, task_id);

-- An assignee is a member: leaving the project (or being removed) unassigns them everywhere.
CREATE TABLE task_assignees (
    project_id bigint NOT NULL,
    task_id    bigint NOT NULL,
    user_id    bigint NOT NULL,
    PRIMARY KEY (task_id, user_id),
    FOREIGN KEY (project_id, task_id) REFERENCES tasks (project_id, id) ON DELETE CASCADE,
    FOREIGN KEY (project_id, user_id) REFERENCES project_members (project_id, user_id) ON DELETE CASCADE
);
CREATE INDEX task_assignees_by_user ON task_assignees (project_id, user_id, task_id);

-- task_id waits for depends_on; both of the same project, never the same task.
CREATE TABLE task_dependencies (
    project_id bigint      NOT NULL,
    task_id    bigint      NOT NULL,
    depends_on bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (task_id, depends_on),
    FOREIGN KEY (project_id, task_id) REFERENCES tasks (project_id, id) ON DELETE CASCADE,
    FOREIGN KEY (project_id, depends_on) REFERENCES tasks (project_id, id) ON DELETE CASCADE,
    CONSTRAINT task_dependencies_not_self CHECK (task_id <> depends_on)
);
CREATE INDEX task_dependencies_by_blocker ON task_dependencies (depends_on, task_id);

-- Who changed which field from what to what; values as JSON.
CREATE TABLE task_activity (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     bigint      NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    actor_id    bigint      NOT NULL,
    field       text        NOT NULL,
    old_value   jsonb       NULL,
    new_value   jsonb       NULL,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX task_activity_by_task ON task_activity (task_id, id);

-- Links now; uploads (kind 'upload', with a storage key the client never sees) come with object storage.
CREATE TABLE task_attachments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint      NOT NULL,
    task_id    bigint      NOT NULL,
    kind       text        NOT NULL,
    name       text        NOT NULL,
    url        text        NULL,
    created_by bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    FOREIGN KEY (project_id, task_id) REFERENCES tasks (project_id, id) ON DELETE CASCADE,
    CONSTRAINT task_attachments_kind_known CHECK (kind IN ('link')),
    CONSTRAINT task_attachments_link_has_url CHECK (kind <> 'link' OR url IS NOT NULL)
);
CREATE INDEX task_attachments_by_task ON task_attachments (task_id, id);
