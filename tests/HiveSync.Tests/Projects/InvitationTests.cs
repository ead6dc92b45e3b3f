using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>
/// Inviting an address with no verified account: an emailed, expiring, revocable, resendable invitation, listed to the
/// project's admins, that becomes membership only when the owner of the address verifies it.
/// </summary>
public sealed class InvitationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private static readonly string[] InvitationKeys = ["id", "email", "role", "status", "invited_by", "created_at", "sent_at", "expires_at"];

    private static string InvitationsPath(long projectId) => TeamPath(projectId) + "/invitations";

    private static string InvitationPath(long projectId, long invitationId) => InvitationsPath(projectId) + "/" + Text(invitationId);

    /// <summary>Invites an address (asserting 202 and the exact invitation shape) and returns the invitation.</summary>
    private async Task<JsonNode> InviteAddressAsync(string token, long projectId, string email, string? role = null)
    {
        using var response = await silo.InviteResponseAsync(token, projectId, email, role);
        var body = await response.AssertOkJsonAsync(HttpStatusCode.Accepted);
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], InvitationKeys);
        return body["data"]!;
    }

    private async Task<JsonNode> ListInvitationsAsync(string token, long projectId)
    {
        using var response = await silo.GetAsync(InvitationsPath(projectId), token);
        return AssertList(await response.AssertOkJsonAsync());
    }

    private async Task<List<long>> TeamAsync(string token, long projectId)
    {
        using var response = await silo.GetAsync(TeamPath(projectId), token);
        return [.. (await response.AssertOkJsonAsync())["items"]!.AsArray().Select(m => m!["user_id"]!.GetValue<long>())];
    }

    private async Task<List<string>> InvitationEmailsToAsync(string email)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return [.. await db.QueryAsync<string>("SELECT text_body FROM email_outbox WHERE kind = 'project_invitation' AND to_address = @email ORDER BY id", new { email })];
    }

    private async Task<(SignedIn Owner, long ProjectId)> ProjectAsync()
    {
        var owner = await silo.RegisterAsync();
        return (owner, (await silo.CreateProjectAsync(owner.AccessToken, "Apollo")).Id());
    }

    [Fact]
    public async Task Inviting_an_address_with_no_account_answers_202_with_a_pending_invitation_that_is_emailed_and_listed()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");

        var invitation = await InviteAddressAsync(owner.AccessToken, projectId, email.ToUpperInvariant(), "viewer");

        Assert.Equal(email, invitation["email"]!.GetValue<string>());
        Assert.Equal("viewer", invitation["role"]!.GetValue<string>());
        Assert.Equal("pending", invitation["status"]!.GetValue<string>());
        Assert.Equal(owner.UserId, invitation["invited_by"]!.GetValue<long>());
        var expires = AssertUtcTimestamp(invitation["expires_at"]);
        Assert.InRange(expires - AssertUtcTimestamp(invitation["sent_at"]), TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        var mail = Assert.Single(await InvitationEmailsToAsync(email));
        Assert.Contains("Apollo", mail, StringComparison.Ordinal);
        Assert.Contains("/register?email=", mail, StringComparison.Ordinal);
        var listed = await ListInvitationsAsync(owner.AccessToken, projectId);
        Assert.Equal(invitation.Id(), Assert.Single(listed["items"]!.AsArray())!.Id());
        Assert.Equal([owner.UserId], await TeamAsync(owner.AccessToken, projectId));
    }

    [Fact]
    public async Task Registering_the_address_is_not_enough_verifying_it_makes_the_membership()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");
        await InviteAddressAsync(owner.AccessToken, projectId, email, "admin");

        var guest = await silo.RegisterAsync(email);
        Assert.Equal([owner.UserId], await TeamAsync(owner.AccessToken, projectId));
        using (var early = await silo.GetAsync(ProjectPath(projectId), guest.AccessToken))
        {
            await early.AssertErrorAsync(HttpStatusCode.NotFound, "PROJECT_NOT_FOUND");
        }

        await silo.VerifyEmailAsync(email);

        Assert.True(await Eventually.HoldsAsync(async () => (await TeamAsync(owner.AccessToken, projectId)).Contains(guest.UserId)), "the verified address never joined");
        Assert.Equal("admin", await silo.MemberRoleRowAsync(projectId, guest.UserId));
        Assert.Empty((await ListInvitationsAsync(owner.AccessToken, projectId))["items"]!.AsArray());
        using var notifications = await silo.GetAsync("/api/v1/notifications", guest.AccessToken);
        var added = Assert.Single((await notifications.AssertOkJsonAsync())["items"]!.AsArray(), n => n!["type"]!.GetValue<string>() == "project.member_added")!;
        Assert.Equal(owner.UserId, added["actor_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_unverified_account_invited_by_email_gets_an_invitation_not_a_seat_until_it_verifies()
    {
        var (owner, projectId) = await ProjectAsync();
        var squatter = await silo.RegisterAsync();

        var invitation = await InviteAddressAsync(owner.AccessToken, projectId, squatter.Email);

        Assert.Equal("pending", invitation["status"]!.GetValue<string>());
        Assert.Equal([owner.UserId], await TeamAsync(owner.AccessToken, projectId));
        await silo.VerifyEmailAsync(squatter.Email);
        Assert.True(await Eventually.HoldsAsync(async () => (await TeamAsync(owner.AccessToken, projectId)).Contains(squatter.UserId)), "the verified account never joined");
    }

    [Fact]
    public async Task A_revoked_invitation_never_becomes_membership()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");
        var invitation = await InviteAddressAsync(owner.AccessToken, projectId, email);

        using (var revoked = await silo.DeleteAsync(owner.AccessToken, InvitationPath(projectId, invitation.Id())))
        {
            await revoked.AssertNoContentAsync();
        }

        Assert.Empty((await ListInvitationsAsync(owner.AccessToken, projectId))["items"]!.AsArray());
        var guest = await silo.RegisterAsync(email);
        await silo.VerifyEmailAsync(email);
        await using var db = await silo.OpenDatabaseAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM project_members WHERE user_id = @id", new { id = guest.UserId }));
        using var again = await silo.DeleteAsync(owner.AccessToken, InvitationPath(projectId, invitation.Id()));
        await again.AssertErrorAsync(HttpStatusCode.NotFound, "INVITATION_NOT_FOUND");
    }

    [Fact]
    public async Task An_expired_invitation_is_not_taken_up_by_a_verification_and_a_resend_then_adds_the_verified_account()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");
        var invitation = await InviteAddressAsync(owner.AccessToken, projectId, email);
        await using (var db = await silo.OpenDatabaseAsync())
        {
            // Eight days on: the invitation's week is over.
            await db.ExecuteAsync("UPDATE project_invitations SET sent_at = sent_at - interval '8 days', expires_at = expires_at - interval '8 days' WHERE id = @id", new { id = invitation.Id() });
        }

        Assert.Equal("expired", Assert.Single((await ListInvitationsAsync(owner.AccessToken, projectId))["items"]!.AsArray())!["status"]!.GetValue<string>());
        var guest = await silo.RegisterAsync(email);
        await silo.VerifyEmailAsync(email);
        Assert.Equal([owner.UserId], await TeamAsync(owner.AccessToken, projectId));

        // Resent after the address was verified: there is nobody left to email; it joins now.
        using var resent = await silo.PostAsync(owner.AccessToken, InvitationPath(projectId, invitation.Id()) + "/resend");
        Assert.Equal("accepting", (await resent.AssertOkJsonAsync())["data"]!["status"]!.GetValue<string>());
        Assert.True(await Eventually.HoldsAsync(async () => (await TeamAsync(owner.AccessToken, projectId)).Contains(guest.UserId)), "the verified address never joined");
        Assert.Single(await InvitationEmailsToAsync(email));
    }

    [Fact]
    public async Task A_resend_of_an_expired_invitation_opens_it_again_with_a_new_email_and_expiry()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");
        var invitation = await InviteAddressAsync(owner.AccessToken, projectId, email);
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("UPDATE project_invitations SET sent_at = sent_at - interval '8 days', expires_at = expires_at - interval '8 days' WHERE id = @id", new { id = invitation.Id() });
        }

        using var resent = await silo.PostAsync(owner.AccessToken, InvitationPath(projectId, invitation.Id()) + "/resend");
        var body = (await resent.AssertOkJsonAsync())["data"]!;
        Assert.Equal("pending", body["status"]!.GetValue<string>());
        Assert.True(AssertUtcTimestamp(body["expires_at"]) > DateTimeOffset.UtcNow.AddDays(6));
        Assert.Equal(2, (await InvitationEmailsToAsync(email)).Count);

        var guest = await silo.RegisterAsync(email);
        await silo.VerifyEmailAsync(email);
        Assert.True(await Eventually.HoldsAsync(async () => (await TeamAsync(owner.AccessToken, projectId)).Contains(guest.UserId)), "the verified address never joined");
    }

    [Fact]
    public async Task An_expired_invitation_is_replaced_by_a_new_one_while_an_open_one_is_a_conflict()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");
        var first = await InviteAddressAsync(owner.AccessToken, projectId, email);

        using (var twice = await silo.InviteResponseAsync(owner.AccessToken, projectId, email))
        {
            await twice.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        }

        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("UPDATE project_invitations SET expires_at = now() - interval '1 minute' WHERE id = @id", new { id = first.Id() });
        }

        var second = await InviteAddressAsync(owner.AccessToken, projectId, email, "admin");
        Assert.NotEqual(first.Id(), second.Id());
        Assert.Equal(second.Id(), Assert.Single((await ListInvitationsAsync(owner.AccessToken, projectId))["items"]!.AsArray())!.Id());
    }

    [Fact]
    public async Task Resends_are_bounded_per_invitation_and_day()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");
        var invitation = await InviteAddressAsync(owner.AccessToken, projectId, email);
        var path = InvitationPath(projectId, invitation.Id()) + "/resend";
        for (var i = 0; i < 5; i++)
        {
            using var resent = await silo.PostAsync(owner.AccessToken, path);
            await resent.AssertOkJsonAsync();
        }

        using var refused = await silo.PostAsync(owner.AccessToken, path);
        await refused.AssertErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(6, (await InvitationEmailsToAsync(email)).Count);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Only_admins_see_resend_and_revoke_invitations(string role)
    {
        var team = await silo.CreateTeamAsync();
        var invitation = await InviteAddressAsync(team.Admin.AccessToken, team.ProjectId, NewEmail("guest"));
        var caller = team.As(role).AccessToken;

        using (var list = await silo.GetAsync(InvitationsPath(team.ProjectId), caller))
        {
            await list.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        }

        using (var resend = await silo.PostAsync(caller, InvitationPath(team.ProjectId, invitation.Id()) + "/resend"))
        {
            await resend.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        }

        using (var revoke = await silo.DeleteAsync(caller, InvitationPath(team.ProjectId, invitation.Id())))
        {
            await revoke.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        }

        using (var invite = await silo.InviteResponseAsync(caller, team.ProjectId, NewEmail("guest")))
        {
            await invite.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        }

        Assert.Single((await ListInvitationsAsync(team.Owner.AccessToken, team.ProjectId))["items"]!.AsArray());
    }

    [Fact]
    public async Task Another_projects_invitation_is_not_found_and_strangers_see_no_project()
    {
        var (owner, projectId) = await ProjectAsync();
        var (otherOwner, otherProject) = await ProjectAsync();
        var foreign = await InviteAddressAsync(otherOwner.AccessToken, otherProject, NewEmail("guest"));

        using (var resend = await silo.PostAsync(owner.AccessToken, InvitationPath(projectId, foreign.Id()) + "/resend"))
        {
            await resend.AssertErrorAsync(HttpStatusCode.NotFound, "INVITATION_NOT_FOUND");
        }

        using (var revoke = await silo.DeleteAsync(owner.AccessToken, InvitationPath(projectId, foreign.Id())))
        {
            await revoke.AssertErrorAsync(HttpStatusCode.NotFound, "INVITATION_NOT_FOUND");
        }

        using (var stranger = await silo.GetAsync(InvitationsPath(otherProject), owner.AccessToken))
        {
            await stranger.AssertErrorAsync(HttpStatusCode.NotFound, "PROJECT_NOT_FOUND");
        }

        Assert.Single((await ListInvitationsAsync(otherOwner.AccessToken, otherProject))["items"]!.AsArray());
    }

    [Fact]
    public async Task Deleting_the_project_deletes_its_invitations_and_a_later_verification_joins_nothing()
    {
        var (owner, projectId) = await ProjectAsync();
        var email = NewEmail("guest");
        await InviteAddressAsync(owner.AccessToken, projectId, email);

        using (var deleted = await silo.DeleteAsync(owner.AccessToken, ProjectPath(projectId)))
        {
            await deleted.AssertNoContentAsync();
        }

        await using var db = await silo.OpenDatabaseAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM project_invitations WHERE project_id = @projectId", new { projectId }));
        await silo.RegisterAsync(email);
        await silo.VerifyEmailAsync(email);
    }
}

/// <summary>A team of at most three, counting the invitations that hold a seat.</summary>
public sealed class SmallTeamSilo : TestSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Tiers:Free:MembersPerProject", "3"),
        new("Invitations:Acceptance:RetryDelay", "00:00:00"),
        new("Invitations:Acceptance:RetryMaxDelay", "00:00:00"),
    ];
}

public sealed class InvitationSeatTests(SmallTeamSilo silo) : IClassFixture<SmallTeamSilo>
{
    [Fact]
    public async Task Open_invitations_hold_a_seat_so_a_full_team_refuses_more_and_an_expired_one_frees_its_seat()
    {
        var owner = await silo.RegisterAsync();
        var projectId = (await silo.CreateProjectAsync(owner.AccessToken)).Id();
        using (var first = await silo.InviteResponseAsync(owner.AccessToken, projectId, NewEmail("guest")))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        using (var full = await silo.InviteResponseAsync(owner.AccessToken, projectId, NewEmail("guest")))
        {
            await full.AssertErrorAsync(HttpStatusCode.Forbidden, "TIER_LIMIT_EXCEEDED");
        }

        var late = await silo.RegisterAsync();
        using (var fullForAccounts = await silo.InviteResponseAsync(owner.AccessToken, projectId, late.Email))
        {
            await fullForAccounts.AssertErrorAsync(HttpStatusCode.Forbidden, "TIER_LIMIT_EXCEEDED");
        }

        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("UPDATE project_invitations SET expires_at = now() - interval '1 minute' WHERE project_id = @projectId", new { projectId });
        }

        await silo.InviteAsync(owner.AccessToken, projectId, late.Email);
        Assert.NotEqual(member.UserId, late.UserId);
    }

    [Fact]
    public async Task An_invitation_taken_up_while_the_team_is_full_waits_accepting_and_joins_once_there_is_room()
    {
        var owner = await silo.RegisterAsync();
        var projectId = (await silo.CreateProjectAsync(owner.AccessToken)).Id();
        var guestEmail = NewEmail("guest");
        long invitationId;
        using (var invited = await silo.InviteResponseAsync(owner.AccessToken, projectId, guestEmail))
        {
            invitationId = (await invited.AssertOkJsonAsync(HttpStatusCode.Accepted))["data"]!.Id();
        }

        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");

        // The team fills up behind the invitation's back (as when the creator's plan shrinks): expired, its seat is taken.
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("UPDATE project_invitations SET expires_at = now() - interval '1 minute' WHERE id = @invitationId", new { invitationId });
        }

        await silo.AddMemberAsync(owner.AccessToken, projectId, "viewer");
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("UPDATE project_invitations SET expires_at = now() + interval '1 day' WHERE id = @invitationId", new { invitationId });
        }

        var guest = await silo.RegisterAsync(guestEmail);
        await silo.VerifyEmailAsync(guestEmail);
        var acceptances = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IInvitationAcceptanceRetryGrain>(0);
        await acceptances.RetryDue();

        Assert.Null(await silo.MemberRoleRowAsync(projectId, guest.UserId));
        using (var listed = await silo.GetAsync(TeamPath(projectId) + "/invitations", owner.AccessToken))
        {
            Assert.Equal("accepting", (await listed.AssertOkJsonAsync())["items"]![0]!["status"]!.GetValue<string>());
        }

        using (var removed = await silo.DeleteAsync(owner.AccessToken, MemberPath(projectId, member.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await acceptances.RetryDue();
            return await silo.MemberRoleRowAsync(projectId, guest.UserId) is not null;
        }), "the invitation never joined once there was room");
        Assert.Equal("member", await silo.MemberRoleRowAsync(projectId, guest.UserId));
    }
}
