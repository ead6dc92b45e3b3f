using Dapper;
using Npgsql;

namespace HiveSync.Grains.Platform;

/// <summary>The SQL pieces every full-text search shares: the same parsing, ranking and snippets for every kind.</summary>
public static class FullTextSearch
{
    /// <summary>The query of <c>@text</c>: web-search syntax, English stemming; a query of stop words only matches nothing.</summary>
    public const string Query = "websearch_to_tsquery('english', @text)";

    /// <summary>The query with its words checked: required, bounded (<see cref="TextRules.Query"/>), a sane page.</summary>
    public static Interfaces.Search.SearchQuery Validate(Interfaces.Search.SearchQuery query)
    {
        var text = TextRules.Query(query.Text) ?? throw Interfaces.Platform.DomainException.Validation("q", "Required: the words to search for.");
        return query.Offset >= 0 && query.Limit > 0
            ? query with { Text = text }
            : throw Interfaces.Platform.DomainException.Validation("page", "The page is out of range.");
    }

    /// <summary>
    /// How many matches a search of tasks or comments ranks: the newest ones. Ranking reads every candidate's whole
    /// text, so a common word in a project of 500 000 comments would rank tens of thousands of rows for one page;
    /// the window keeps a search's cost flat however much matches, and <c>total</c> counts at most this many.
    /// </summary>
    public const int Window = 1000;

    /// <summary>
    /// A page of a windowed search of <paramref name="table"/> (alias <paramref name="alias"/>, with an <c>id</c>):
    /// the newest <see cref="Window"/> matches of <paramref name="where"/> are found once, ranked by
    /// <paramref name="rank"/> and counted in the same pass; only the page's rows then get
    /// <paramref name="columns"/> (snippets are the costly part). <paramref name="parameters"/> must carry
    /// <c>@limit</c> and <c>@offset</c>.
    /// </summary>
    public static async Task<(List<SearchHitRow> Items, long Total)> WindowedPageAsync(
        NpgsqlConnection connection, string table, string alias, string where, string rank, string columns, object parameters, int offset)
    {
        var window = $"SELECT {alias}.id FROM {table} {alias} WHERE {where} ORDER BY {alias}.id DESC LIMIT {Window}";
        var rows = (await connection.QueryAsync<SearchHitRow>(
            $"""
            WITH ranked AS (
                SELECT {alias}.id, {rank} AS rank, count(*) OVER () AS total
                FROM {table} {alias} WHERE {alias}.id IN ({window})
                ORDER BY rank DESC, {alias}.id DESC LIMIT @limit OFFSET @offset
            )
            SELECT {columns}, ranked.rank, ranked.total FROM ranked JOIN {table} {alias} ON {alias}.id = ranked.id
            ORDER BY ranked.rank DESC, {alias}.id DESC
            """,
            parameters)).AsList();
        // A page past the end has no row to carry the count: only then is it counted on its own.
        var total = rows.Count > 0 ? rows[0].Total
            : offset == 0 ? 0
            : await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM ({window}) hits", parameters);
        return (rows, total);
    }

    /// <summary>A snippet of <paramref name="column"/>: its text HTML-escaped, the matches in &lt;mark&gt;.</summary>
    public static string Snippet(string column) =>
        $"ts_headline('english', replace(replace(replace({column}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), {Query}, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10, MaxFragments=2')";
}

/// <summary>A row of any kind's search: the columns each store selects (those a kind lacks stay null).</summary>
public sealed class SearchHitRow
{
    public long Id { get; set; }

    public long ProjectId { get; set; }

    public string Title { get; set; } = "";

    public string Snippet { get; set; } = "";

    public double Rank { get; set; }

    public string? Key { get; set; }

    /// <summary>How many matches the search's window holds (the same on every row of a page).</summary>
    public long Total { get; set; }

    public long? Number { get; set; }

    public string? Status { get; set; }

    public string? EntityType { get; set; }

    public long? EntityId { get; set; }
}
