using Dapper;
using HiveSync.Grains.Interfaces.Projects;

namespace HiveSync.Grains.Projects;

/// <summary>A project in a member's list: the row plus that member's role and mark, the team size and the tag names.</summary>
public sealed class ProjectListRow : ProjectRow
{
    public string Role { get; set; } = "";

    public bool IsFavorite { get; set; }

    public int MemberCount { get; set; }

    public string[] Tags { get; set; } = [];
}

public sealed partial class ProjectStore
{
    /// <summary>
    /// One page of the projects <paramref name="userId"/> is a member of, and how many match. Starts from the
    /// caller's memberships (index by user), so nobody else's project can appear; <c>q</c> goes through the GIN index.
    /// </summary>
    public async Task<(List<ProjectListRow> Items, long Total)> ListAsync(long userId, ProjectListQuery query)
    {
        // Only the filters given, as in the task list: each combination gets a plan of its own.
        var where = "m.user_id = @userId"
            + (query.Role is null ? "" : " AND m.role = @Role")
            + (query.FavoritesOnly ? " AND f.user_id IS NOT NULL" : "")
            + (query.Tag is null ? "" : " AND EXISTS (SELECT 1 FROM project_tags t WHERE t.project_id = p.id AND lower(t.name) = lower(@Tag))")
            + (query.Text is null ? "" : " AND p.search @@ websearch_to_tsquery('english', @Text)")
            + query.Archived switch
            {
                ArchivedFilter.Active => " AND p.archived_at IS NULL",
                ArchivedFilter.ArchivedOnly => " AND p.archived_at IS NOT NULL",
                _ => "",
            };
        var direction = query.Descending ? "DESC" : "ASC";
        var order = query.Sort switch
        {
            ProjectSort.Name => $"lower(p.name) {direction}, p.id {direction}",
            ProjectSort.Created => $"p.created_at {direction}, p.id {direction}",
            _ => $"p.updated_at {direction}, p.id {direction}",
        };
        var parameters = new { userId, query.Role, query.FavoritesOnly, query.Tag, query.Text, query.Limit, query.Offset };

        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            SELECT count(*)
            FROM project_members m
            JOIN projects p ON p.id = m.project_id
            LEFT JOIN project_favorites f ON f.user_id = m.user_id AND f.project_id = m.project_id
            WHERE {where};

            SELECT {ProjectColumns}, m.role, (f.user_id IS NOT NULL) AS is_favorite,
                (SELECT count(*) FROM project_members pm WHERE pm.project_id = p.id)::int AS member_count,
                ARRAY(SELECT t.name FROM project_tags t WHERE t.project_id = p.id ORDER BY lower(t.name)) AS tags
            FROM project_members m
            JOIN projects p ON p.id = m.project_id
            LEFT JOIN project_favorites f ON f.user_id = m.user_id AND f.project_id = m.project_id
            WHERE {where}
            ORDER BY {order}
            LIMIT @Limit OFFSET @Offset;
            """,
            parameters);
        var total = await read.ReadSingleAsync<long>();
        var items = (await read.ReadAsync<ProjectListRow>()).AsList();
        return (items, total);
    }

    /// <summary>The projects <paramref name="userId"/> is a member of, with their keys: the reach of every search.</summary>
    public async Task<List<(long Id, string Key)>> MemberProjectsAsync(long userId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<(long Id, string Key)>(
            "SELECT p.id, p.key FROM project_members m JOIN projects p ON p.id = m.project_id WHERE m.user_id = @userId", new { userId })).AsList();
    }

    /// <summary>A page of the caller's projects matching <paramref name="text"/>, best match first.</summary>
    public async Task<(List<Platform.SearchHitRow> Items, long Total)> SearchAsync(long userId, string text, int offset, int limit)
    {
        const string Where = $"m.user_id = @userId AND p.search @@ {Platform.FullTextSearch.Query}";
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            SELECT count(*) FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {Where};
            SELECT p.id, p.id AS project_id, p.name AS title, p.key,
                {Platform.FullTextSearch.Snippet("p.name || ' — ' || p.description")} AS snippet,
                ts_rank_cd(p.search, {Platform.FullTextSearch.Query}) AS rank
            FROM project_members m JOIN projects p ON p.id = m.project_id WHERE {Where}
            ORDER BY rank DESC, p.id DESC LIMIT @limit OFFSET @offset;
            """,
            new { userId, text, offset, limit });
        var total = await read.ReadSingleAsync<long>();
        return ((await read.ReadAsync<Platform.SearchHitRow>()).AsList(), total);
    }
}
