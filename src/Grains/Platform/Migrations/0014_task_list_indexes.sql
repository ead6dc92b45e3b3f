-- The priority sort orders by rank (low < medium < high < urgent), not by the text: this index serves it, with the
-- same expression as the task list's ORDER BY.
CREATE INDEX tasks_by_priority_rank ON tasks (project_id, array_position(ARRAY['low','medium','high','urgent']::text[], priority), number);
