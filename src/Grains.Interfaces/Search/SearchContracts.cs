namespace HiveSync.Grains.Interfaces.Search;

// Search is each domain's own (projects, tasks, comments answer it from their tables); these are the shapes they share.

/// <summary>
/// One hit: what it is (ids, a title), how well it matched (<see cref="Rank"/>, higher is better) and where
/// (<see cref="Snippet"/>: HTML-escaped text with the matched words in <c>&lt;mark&gt;</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SearchHit(
    string Kind,
    long Id,
    long ProjectId,
    string Title,
    string Snippet,
    double Rank,
    string? Key = null,
    string? Status = null,
    string? EntityType = null,
    long? EntityId = null);

[GenerateSerializer, Immutable]
public sealed record SearchPage(IReadOnlyList<SearchHit> Items, long Total);

/// <summary>The words to find and where to look; <c>ProjectId</c> narrows to one project, the rest to the kind's own filters.</summary>
[GenerateSerializer, Immutable]
public sealed record SearchQuery(string Text, long? ProjectId, IReadOnlyList<string> Statuses, string? EntityType, int Offset, int Limit);
