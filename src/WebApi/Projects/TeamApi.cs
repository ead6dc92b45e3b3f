using HiveSync.WebApi.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Projects;

/// <summary><c>/api/v1/projects/{project_id}/team</c>: who is in a project and with which role.</summary>
public static class TeamApi
{
    public static IEndpointRouteBuilder MapTeamApi(this IEndpointRouteBuilder project)
    {
        var team = project.MapGroup("/team").WithTags("Team");
        team.MapGet("/", List).Describe("listProjectMembers", "A project's members, owners first").ProducesErrors(400);
        team.MapPost("/invite", Invite).WithIdempotency().Describe("inviteProjectMember", "Add an account by username or verified email (201), or invite an address (202) (admin)").ProducesErrors(400, 403, 409, 413, 415);
        team.MapPatch("/{user_id:long}", ChangeRole).Describe("changeProjectMemberRole", "Change a member's role (admin; owners: owner)").ProducesErrors(400, 403, 409, 413, 415);
        team.MapDelete("/{user_id:long}", Remove).Describe("removeProjectMember", "Remove a member, or leave the project").ProducesErrors(403, 409);
        team.MapInvitationsApi();
        return project;
    }

    public static async Task<Ok<PageEnvelope<MemberResponse>>> List([AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var members = await scope.Project.ListMembers(scope.CallerId);
        return TypedResults.Ok(members.Select(MemberResponse.From).ToList().ToPage(page));
    }

    public static async Task<Results<Created<DataEnvelope<MemberResponse>>, Accepted<DataEnvelope<InvitationResponse>>>> Invite(InviteRequest request, [AsParameters] ProjectScope scope)
    {
        var outcome = await scope.Project.Invite(scope.CallerId, request.Email, request.Role ?? Grains.Interfaces.Projects.ProjectRoles.Member, request.Username);
        return outcome switch
        {
            { Member: { } member } => TypedResults.Created($"{HiveSyncApi.ApiBasePath}/projects/{scope.ProjectId}/team/{member.UserId}", new DataEnvelope<MemberResponse>(MemberResponse.From(member))),
            _ => TypedResults.Accepted((string?)null, new DataEnvelope<InvitationResponse>(InvitationResponse.From(outcome.Invitation!))),
        };
    }

    public static async Task<Ok<DataEnvelope<MemberResponse>>> ChangeRole([FromRoute(Name = "user_id")] long userId, RoleRequest request, [AsParameters] ProjectScope scope) =>
        TypedResults.Ok(new DataEnvelope<MemberResponse>(MemberResponse.From(await scope.Project.ChangeRole(scope.CallerId, userId, request.Role ?? ""))));

    public static async Task<NoContent> Remove([FromRoute(Name = "user_id")] long userId, [AsParameters] ProjectScope scope)
    {
        await scope.Project.RemoveMember(scope.CallerId, userId);
        return TypedResults.NoContent();
    }
}
