namespace HiveSync.Grains.Interfaces.Projects;

/// <summary>
/// One project (key: its id): the single writer of its row, its team and its tags. Every method takes the caller's
/// user id and checks the caller's role itself; a caller who is not a member gets <c>PROJECT_NOT_FOUND</c>, exactly as
/// for a project that does not exist.
/// </summary>
public interface IProjectGrain : IGrainWithIntegerKey
{
    /// <summary>The caller's role, or null when the caller is not a member (or the project does not exist).</summary>
    Task<string?> RoleOf(long userId);

    /// <summary>What the project's other domains need of a caller: role, key, whether it is archived and who created it; null for non-members.</summary>
    Task<ProjectStanding?> StandingOf(long userId);

    Task<ProjectView> Describe(long callerId);

    /// <summary>With <paramref name="expectedVersion"/> (If-Match), only if it is still that version (else <c>PRECONDITION_FAILED</c>).</summary>
    Task<ProjectView> Update(long callerId, ProjectChanges changes, long? expectedVersion = null);

    Task<ProjectView> SetArchived(long callerId, bool archived);

    /// <summary>Marks or unmarks the project for the caller (any member); idempotent.</summary>
    Task SetFavorite(long callerId, bool favorite);

    /// <summary>Removes the project and everything it owns in one transaction; the activation ends.</summary>
    Task Delete(long callerId, long? expectedVersion = null);

    Task<IReadOnlyList<ProjectTag>> ListTags(long callerId);

    Task<ProjectTag> AddTag(long callerId, string name);

    Task RemoveTag(long callerId, long tagId);

    Task<IReadOnlyList<ProjectMember>> ListMembers(long callerId);

    /// <summary>
    /// Adds the account with this username, or with this email once its owner has verified it; an address with no
    /// verified account gets an invitation instead, which becomes membership when the address is verified. The
    /// creator's tier bounds the team's size: members (the owner counts) and the invitations that hold a seat.
    /// </summary>
    Task<InviteOutcome> Invite(long callerId, string? email, string role, string? username = null);

    /// <summary>Open invitations and those given up (admins).</summary>
    Task<IReadOnlyList<ProjectInvitation>> ListInvitations(long callerId);

    /// <summary>Emails an invitation nobody has taken up again, with a new expiry (admins; a few a day).</summary>
    Task<ProjectInvitation> ResendInvitation(long callerId, long invitationId);

    Task RevokeInvitation(long callerId, long invitationId);

    /// <summary>
    /// The stored-work step of an invitation taken up by a verified address (attempt <paramref name="attempt"/> of it):
    /// adds the member and marks the invitation done in one transaction. Repeating it changes nothing.
    /// </summary>
    Task AcceptInvitation(long invitationId, int attempt);

    Task<ProjectMember> ChangeRole(long callerId, long userId, string role);

    /// <summary>Removes a member; the caller themself: leaves.</summary>
    Task RemoveMember(long callerId, long userId);
}

/// <summary>
/// The projects of many: creation (before there is a project id) and each user's list. A stateless worker: nothing
/// here needs serialising that the database does not serialise itself.
/// </summary>
public interface IProjectDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Creates a project owned by the caller, within the caller's tier's project limit.</summary>
    Task<ProjectView> Create(long callerId, NewProject project);

    Task<ProjectPage> List(long callerId, ProjectListQuery query);

    /// <summary>The caller's projects matching the query's words, best first.</summary>
    Task<Search.SearchPage> Search(long callerId, Search.SearchQuery query);

    /// <summary>
    /// The projects (id and key) a search of the caller may look into: all of theirs, or just <paramref name="projectId"/>
    /// when given (<c>PROJECT_NOT_FOUND</c> when it is not theirs).
    /// </summary>
    Task<IReadOnlyDictionary<long, string>> SearchReach(long callerId, long? projectId);
}

public static class ProjectGrains
{
    /// <summary>The directory: a stateless worker, so one key serves every caller.</summary>
    public static IProjectDirectoryGrain GetProjectDirectory(this IGrainFactory grains) => grains.GetGrain<IProjectDirectoryGrain>(0);
}
