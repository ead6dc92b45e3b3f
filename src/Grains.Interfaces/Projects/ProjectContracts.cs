namespace HiveSync.Grains.Interfaces.Projects;

/// <summary>A member's role in a project, strongest first.</summary>
public static class ProjectRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Owner, Admin, Member, Viewer];

    public static bool IsKnown(string? role) => role is Owner or Admin or Member or Viewer;

    /// <summary>Whether <paramref name="role"/> is <paramref name="atLeast"/> or stronger.</summary>
    public static bool Allows(string role, string atLeast) => Rank(role) >= Rank(atLeast);

    private static int Rank(string role) => role switch
    {
        Owner => 4,
        Admin => 3,
        Member => 2,
        Viewer => 1,
        _ => 0,
    };
}

/// <summary>A project as its grain holds it; the caller-specific fields (role, favorite) are added by who answers.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectDetails(
    long Id,
    string Key,
    string Name,
    string Description,
    DateTimeOffset? ArchivedAt,
    IReadOnlyList<string> Tags,
    int MemberCount,
    long CreatedBy,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A project seen by one member: the details plus that member's role and favorite mark.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectView(ProjectDetails Project, string Role, bool IsFavorite);

/// <summary>A caller's standing in a project; <see cref="CreatedBy"/>: the creator, whose tier bounds what the project holds.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectStanding(string Role, string Key, bool Archived, long CreatedBy);

[GenerateSerializer, Immutable]
public sealed record NewProject(string Name, string Description, string? Key);

/// <summary>A PATCH of name and description: null leaves a field as it is.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectChanges(string? Name, string? Description);

[GenerateSerializer, Immutable]
public sealed record ProjectTag(long Id, string Name, DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable]
public sealed record ProjectMember(
    long UserId,
    string Email,
    string? DisplayName,
    string Role,
    DateTimeOffset JoinedAt,
    string? Username = null);

/// <summary>
/// An invitation of an address with no verified account: it becomes membership once the address's owner verifies it.
/// <see cref="Status"/> is one of <see cref="InvitationStatuses"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProjectInvitation(
    long Id,
    string Email,
    string Role,
    string Status,
    long InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset SentAt,
    DateTimeOffset ExpiresAt);

public static class InvitationStatuses
{
    /// <summary>Emailed; waiting for the address to be verified.</summary>
    public const string Pending = "pending";

    /// <summary>Not verified in time: a resend opens it again.</summary>
    public const string Expired = "expired";

    /// <summary>The address was verified; the membership is being added (it waits while the team is full).</summary>
    public const string Accepting = "accepting";

    /// <summary>Verified, but the membership could not be added for days (the team stayed full): invite again.</summary>
    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Pending, Expired, Accepting, Failed];
}

/// <summary>What an invitation did: added an account (<see cref="Member"/>) or invited an address (<see cref="Invitation"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record InviteOutcome(ProjectMember? Member, ProjectInvitation? Invitation);

/// <summary>Which of the caller's projects a list shows, and in what order (validated by <c>ProjectRules</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectListQuery(
    string? Text,
    bool FavoritesOnly,
    string? Tag,
    string? Role,
    ArchivedFilter Archived,
    ProjectSort Sort,
    bool Descending,
    int Offset,
    int Limit);

public enum ArchivedFilter
{
    Active,
    ArchivedOnly,
    All,
}

public enum ProjectSort
{
    Updated,
    Created,
    Name,
}

[GenerateSerializer, Immutable]
public sealed record ProjectPage(IReadOnlyList<ProjectView> Items, long Total);

public static class ProjectErrors
{
    /// <summary>No such project, or not the caller's: the two answer the same.</summary>
    public static Platform.DomainException NotFound() => new(Platform.ErrorCodes.ProjectNotFound, "No such project.");
}
