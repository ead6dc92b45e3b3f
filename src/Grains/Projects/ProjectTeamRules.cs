using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;

namespace HiveSync.Grains.Projects;

/// <summary>Who may grant, change and remove which role; the last owner stays.</summary>
public static class ProjectTeamRules
{
    /// <summary>Owners first, then by when they joined.</summary>
    public static IEnumerable<MemberRow> Ordered(IEnumerable<MemberRow> members) =>
        members.OrderBy(m => m.Role == ProjectRoles.Owner ? 0 : 1).ThenBy(m => m.JoinedAt).ThenBy(m => m.UserId);

    /// <summary>Only an owner makes owners; an admin grants admin, member or viewer.</summary>
    public static void EnsureMayGrant(string callerRole, string role)
    {
        if (role == ProjectRoles.Owner && callerRole != ProjectRoles.Owner)
        {
            throw Forbidden("Only an owner can make someone an owner.");
        }
    }

    public static void EnsureMayChange(string callerRole, string targetRole, string newRole, int ownerCount)
    {
        if (targetRole == ProjectRoles.Owner && callerRole != ProjectRoles.Owner)
        {
            throw Forbidden("Only an owner can change an owner's role.");
        }

        EnsureMayGrant(callerRole, newRole);
        if (targetRole == ProjectRoles.Owner && newRole != ProjectRoles.Owner && ownerCount == 1)
        {
            throw LastOwner();
        }
    }

    public static void EnsureMayRemove(string callerRole, string targetRole, bool leaving, int ownerCount)
    {
        if (!leaving && targetRole == ProjectRoles.Owner && callerRole != ProjectRoles.Owner)
        {
            throw Forbidden("Only an owner can remove an owner.");
        }

        if (targetRole == ProjectRoles.Owner && ownerCount == 1)
        {
            throw LastOwner();
        }
    }

    private static DomainException Forbidden(string message) => new(ErrorCodes.AuthForbidden, message);

    private static DomainException LastOwner() =>
        new(ErrorCodes.Conflict, "A project always keeps an owner: make someone else an owner first (or delete the project).");
}
