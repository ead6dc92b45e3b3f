namespace HiveSync.Grains.Interfaces.Comments;

public static class CommentEntityTypes
{
    public const string Task = "task";
    public const string Project = "project";
}

/// <summary>A comment as one member sees it (their own star mark included).</summary>
[GenerateSerializer, Immutable]
public sealed record CommentView(
    long Id,
    long ProjectId,
    string EntityType,
    long EntityId,
    long AuthorId,
    string Body,
    int Version,
    int StarCount,
    bool StarredByMe,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? EditedAt);

/// <summary>One version of a comment's body; the last is the current one.</summary>
[GenerateSerializer, Immutable]
public sealed record CommentVersion(int Version, string Body, DateTimeOffset WrittenAt);

[GenerateSerializer, Immutable]
public sealed record CommentPage(IReadOnlyList<CommentView> Items, long Total);
