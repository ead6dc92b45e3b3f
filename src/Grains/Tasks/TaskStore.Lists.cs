using Dapper;
using HiveSync.Grains.Interfaces.Tasks;

namespace HiveSync.Grains.Tasks;

public sealed partial class TaskStore
{
    /// <summary>One page of a project's tasks matching the filters, and how many match; every filter and sort has an index.</summary>
    public async Task<(List<TaskRow> Items, long Total)> ListAsync(long projectId, TaskListQuery query)
    {
        const string Where = """
            t.project_id = @projectId
            AND (cardinality(@statuses) = 0 OR t.status = ANY(@statuses))
            AND (@assignee::bigint IS NULL OR EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id AND a.user_id = @assignee))
            AND (cardinality(@labels) = 0 OR (SELECT count(*) FROM task_labels l WHERE l.task_id = t.id AND l.label_id = ANY(@labels)) = cardinality(@labels))
            AND (@priority::text IS NULL OR t.priority = @priority)
            AND (@dueBefore::date IS NULL OR t.due_date <= @dueBefore::date)
            AND (@dueAfter::date IS NULL OR t.due_date >= @dueAfter::date)
            AND (@text::text IS NULL OR t.search @@ websearch_to_tsquery('english', @text))
            """;
        var direction = query.Descending ? "DESC" : "ASC";
        var order = query.Sort switch
        {
            TaskSort.Created => $"t.created_at {direction}, t.id {direction}",
            TaskSort.Updated => $"t.updated_at {direction}, t.id {direction}",
            TaskSort.Due => $"t.due_date {direction} NULLS LAST, t.number {direction}",
            TaskSort.Priority => $"array_position(ARRAY['low','medium','high','urgent'], t.priority) {direction}, t.number {direction}",
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

        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            SELECT count(*) FROM tasks t WHERE {Where};
            SELECT {TaskColumns} FROM tasks t WHERE {Where} ORDER BY {order} LIMIT @limit OFFSET @offset;
            """,
            parameters);
        var total = await read.ReadSingleAsync<long>();
        return ((await read.ReadAsync<TaskRow>()).AsList(), total);
    }

    /// <summary>A page of the tasks of <paramref name="projectIds"/> matching <paramref name="text"/>, best match first.</summary>
    public async Task<(List<Platform.SearchHitRow> Items, long Total)> SearchAsync(long[] projectIds, string text, string[] statuses, int offset, int limit)
    {
        const string Where = $"t.project_id = ANY(@projectIds) AND (cardinality(@statuses) = 0 OR t.status = ANY(@statuses)) AND t.search @@ {Platform.FullTextSearch.Query}";
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            SELECT count(*) FROM tasks t WHERE {Where};
            SELECT t.id, t.project_id, t.title, t.number, t.status,
                {Platform.FullTextSearch.Snippet("t.title || ' — ' || t.description")} AS snippet,
                ts_rank_cd(t.search, {Platform.FullTextSearch.Query}) AS rank
            FROM tasks t WHERE {Where}
            ORDER BY rank DESC, t.id DESC LIMIT @limit OFFSET @offset;
            """,
            new { projectIds, text, statuses, offset, limit });
        var total = await read.ReadSingleAsync<long>();
        return ((await read.ReadAsync<Platform.SearchHitRow>()).AsList(), total);
    }
}
