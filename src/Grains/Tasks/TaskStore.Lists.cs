using Dapper;
using HiveSync.Grains.Interfaces.Tasks;

namespace HiveSync.Grains.Tasks;

public sealed partial class TaskStore
{
    /// <summary>
    /// One page of a project's tasks matching the filters, and how many match (up to <see cref="Platform.ListCounts.Cap"/>). The condition holds only the filters
    /// given, so each combination gets a plan of its own: every filter and sort has an index (the labels and the
    /// assignee through their link tables' indexes), which a catch-all "parameter is null or ..." condition would hide.
    /// </summary>
    public async Task<(List<TaskRow> Items, long Total)> ListAsync(long projectId, TaskListQuery query)
    {
        var where = new List<string> { "t.project_id = @projectId" };
        if (query.Statuses.Count > 0)
        {
            where.Add("t.status = ANY(@statuses)");
        }

        if (query.Assignee is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM task_assignees a WHERE a.project_id = @projectId AND a.user_id = @assignee AND a.task_id = t.id)");
        }

        // One semi-join a label (tasks carrying all of them): the planner estimates each from the label's own statistics.
        for (var i = 1; i <= query.Labels.Count; i++)
        {
            where.Add($"EXISTS (SELECT 1 FROM task_labels l WHERE l.task_id = t.id AND l.label_id = (@labels)[{i}])");
        }

        if (query.Priority is not null)
        {
            where.Add("t.priority = @priority");
        }

        if (query.DueBefore is not null)
        {
            where.Add("t.due_date <= @dueBefore::date");
        }

        if (query.DueAfter is not null)
        {
            where.Add("t.due_date >= @dueAfter::date");
        }

        if (query.Text is not null)
        {
            where.Add("t.search @@ websearch_to_tsquery('english', @text)");
        }

        var direction = query.Descending ? "DESC" : "ASC";
        var order = query.Sort switch
        {
            TaskSort.Created => $"t.created_at {direction}, t.id {direction}",
            TaskSort.Updated => $"t.updated_at {direction}, t.id {direction}",
            TaskSort.Due => $"t.due_date {direction} NULLS LAST, t.number {direction}",
            TaskSort.Priority => $"{PriorityRank} {direction}, t.number {direction}",
            TaskSort.Title => $"lower(t.title) {direction}, t.id {direction}",
            _ => $"t.number {direction}",
        };
        var parameters = new
        {
            projectId,
            statuses = query.Statuses.ToArray(),
            assignee = query.Assignee,
            labels = query.Labels.ToArray(),
            priority = query.Priority,
            dueBefore = query.DueBefore?.ToDateTime(TimeOnly.MinValue),
            dueAfter = query.DueAfter?.ToDateTime(TimeOnly.MinValue),
            text = query.Text,
            limit = query.Limit,
            offset = query.Offset,
        };

        var condition = string.Join(" AND ", where);
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            {Platform.ListCounts.Capped($"tasks t WHERE {condition}")};
            SELECT {TaskColumns} FROM tasks t WHERE {condition} ORDER BY {order} LIMIT @limit OFFSET @offset;
            """,
            parameters);
        var total = await read.ReadSingleAsync<long>();
        return ((await read.ReadAsync<TaskRow>()).AsList(), total);
    }

    /// <summary>Priorities in their order (low first); the same expression as the index <c>tasks_by_priority_rank</c>.</summary>
    private const string PriorityRank = "array_position(ARRAY['low','medium','high','urgent']::text[], t.priority)";

    /// <summary>A page of the tasks of <paramref name="projectIds"/> matching <paramref name="text"/>, best first among the newest matches (<see cref="Platform.FullTextSearch.Window"/>).</summary>
    public async Task<(List<Platform.SearchHitRow> Items, long Total)> SearchAsync(long[] projectIds, string text, string[] statuses, int offset, int limit)
    {
        var where = $"t.project_id = ANY(@projectIds){(statuses.Length == 0 ? "" : " AND t.status = ANY(@statuses)")} AND t.search @@ {Platform.FullTextSearch.Query}";
        await using var connection = await db.OpenConnectionAsync();
        return await Platform.FullTextSearch.WindowedPageAsync(
            connection, "tasks", "t", where, $"ts_rank_cd(t.search, {Platform.FullTextSearch.Query})",
            $"t.id, t.project_id, t.title, t.number, t.status, {Platform.FullTextSearch.Snippet("t.title || ' — ' || t.description")} AS snippet",
            new { projectIds, text, statuses, offset, limit },
            offset);
    }
}
