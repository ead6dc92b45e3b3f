using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;

namespace HiveSync.Grains.Projects;

/// <summary>How the domains inside a project (tasks, comments, ...) check a caller before doing anything.</summary>
public static class ProjectStandings
{
    /// <summary>
    /// The caller's standing in the project if their role is at least <paramref name="atLeast"/>: not a member, 404
    /// <c>PROJECT_NOT_FOUND</c>; weaker, 403; a change (<paramref name="write"/>) in an archived project, 409.
    /// </summary>
    public static async Task<ProjectStanding> RequireAsync(this IGrainFactory grains, long callerId, long projectId, string atLeast, bool write = false)
    {
        var standing = await grains.GetGrain<IProjectGrain>(projectId).StandingOf(callerId) ?? throw ProjectErrors.NotFound();
        if (!ProjectRoles.Allows(standing.Role, atLeast))
        {
            throw new DomainException(ErrorCodes.AuthForbidden, $"Your role in this project ({standing.Role}) may not do this.");
        }

        return write && standing.Archived
            ? throw new DomainException(ErrorCodes.Conflict, "The project is archived: unarchive it first.")
            : standing;
    }
}
