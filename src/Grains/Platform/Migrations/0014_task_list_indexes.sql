-- The priority sort orders by rank (low < medium < high < urgent), not by the text: this index serves it, with the
-- same expression as the task list's ORDER BY.
CREATE INDEX tasks_by_priority_rank ON tasks (project_id, array_position(ARRAY['low','medium','high','urgent']::text[], priority), number);

-- A status filter combined with a label or assignee filter joins on the task id: with the id in the index, counting
-- such a list reads the index alone.
DROP INDEX tasks_by_status;
CREATE INDEX tasks_by_status ON tasks (project_id, status, number) INCLUDE (id);
