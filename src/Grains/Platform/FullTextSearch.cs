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
    /// The two statements of a windowed search of <paramref name="table"/> (alias <paramref name="alias"/>, with an
    /// <c>id</c>): how many of the newest <see cref="Window"/> matches there are, then the page of them best first.
    /// <paramref name="columns"/> must name the rank <c>rank</c>.
    /// </summary>
    public static string WindowedPage(string table, string alias, string where, string columns) => $"""
        SELECT count(*) FROM (SELECT 1 FROM {table} {alias} WHERE {where} LIMIT {Window}) hits;
        SELECT {columns} FROM {table} {alias}
        WHERE {alias}.id IN (SELECT {alias}.id FROM {table} {alias} WHERE {where} ORDER BY {alias}.id DESC LIMIT {Window})
        ORDER BY rank DESC, {alias}.id DESC LIMIT @limit OFFSET @offset;
        """;

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

    public long? Number { get; set; }

    public string? Status { get; set; }

    public string? EntityType { get; set; }

    public long? EntityId { get; set; }
}
