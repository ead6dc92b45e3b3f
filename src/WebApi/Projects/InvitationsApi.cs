using HiveSync.WebApi.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Projects;

/// <summary>
/// <c>/api/v1/projects/{project_id}/team/invitations</c>: invitations of addresses with no verified account, for the
/// project's admins. <c>POST /team/invite</c> creates them.
/// </summary>
public static class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder team)
    {
        var invitations = team.MapGroup("/invitations").WithTags("Team");
        invitations.MapGet("/", List).Describe("listProjectInvitations", "Open invitations, and those given up (admin)").ProducesErrors(400, 403);
        invitations.MapPost("/{invitation_id:long}/resend", Resend).Describe("resendProjectInvitation", "Email an invitation again, with a new expiry (admin; a few a day)").ProducesErrors(403, 409, 429);
        invitations.MapDelete("/{invitation_id:long}", Revoke).Describe("revokeProjectInvitation", "Withdraw an invitation (admin)").ProducesErrors(403, 409);
        return team;
    }

    public static async Task<Ok<PageEnvelope<InvitationResponse>>> List([AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var invitations = await scope.Project.ListInvitations(scope.CallerId);
        return TypedResults.Ok(invitations.Select(InvitationResponse.From).ToList().ToPage(page));
    }

    public static async Task<Ok<DataEnvelope<InvitationResponse>>> Resend([FromRoute(Name = "invitation_id")] long invitationId, [AsParameters] ProjectScope scope) =>
        TypedResults.Ok(new DataEnvelope<InvitationResponse>(InvitationResponse.From(await scope.Project.ResendInvitation(scope.CallerId, invitationId))));

    public static async Task<NoContent> Revoke([FromRoute(Name = "invitation_id")] long invitationId, [AsParameters] ProjectScope scope)
    {
        await scope.Project.RevokeInvitation(scope.CallerId, invitationId);
        return TypedResults.NoContent();
    }
}
