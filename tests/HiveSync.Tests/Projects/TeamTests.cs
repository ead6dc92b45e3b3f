using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary><c>/api/v1/projects/{project_id}/team</c>: listing, inviting, changing roles, removing and leaving.</summary>
public sealed class TeamTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private async Task<SignedIn> RegisterNamedAsync(string displayName)
    {
        var email = NewEmail();
        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password, ["display_name"] = displayName }));
        return SignedIn.From((await response.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!, Password);
    }

    private static readonly string[] RolesBelowOwner = ["admin", "member", "viewer"];

    private static List<long> UserIds(JsonNode list) =>
        list["items"]!.AsArray().Select(m => m!["user_id"]!.GetValue<long>()).ToList();

    [Fact]
    public async Task Inviting_an_account_makes_it_a_member_at_once_with_the_exact_member_object()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var invitee = await RegisterNamedAsync("Ada Lovelace");

        var member = await silo.InviteAsync(owner.AccessToken, project.Id(), invitee.Email);

        Assert.Equal(invitee.UserId, member["user_id"]!.GetValue<long>());
        Assert.Equal(invitee.Email, member["email"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", member["display_name"]!.GetValue<string>());
        Assert.Equal("member", member["role"]!.GetValue<string>());
        var joined = AssertUtcTimestamp(member["joined_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - joined, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.Equal("member", await silo.MemberRoleRowAsync(project.Id(), invitee.UserId));
        var seen = await silo.GetProjectAsync(invitee.AccessToken, project.Id());
        Assert.Equal("member", seen["role"]!.GetValue<string>());
        Assert.Equal(2, seen["member_count"]!.GetValue<int>());
        Assert.Contains(project.Id(), (await silo.ListProjectsAsync(invitee.AccessToken)).Ids());
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("viewer")]
    [InlineData("owner")]
    public async Task An_owner_invites_with_any_role(string role)
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var invitee = await silo.RegisterAsync();

        var member = await silo.InviteAsync(owner.AccessToken, project.Id(), invitee.Email, role);

        Assert.Equal(role, member["role"]!.GetValue<string>());
        Assert.Equal(role, await silo.MemberRoleRowAsync(project.Id(), invitee.UserId));
    }

    [Fact]
    public async Task An_invitation_finds_the_account_whatever_the_case_of_the_address()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var invitee = await silo.RegisterAsync();

        var member = await silo.InviteAsync(owner.AccessToken, project.Id(), invitee.Email.ToUpperInvariant());

        Assert.Equal(invitee.UserId, member["user_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_team_lists_owners_first_then_everyone_by_join_time()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var member = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "member");
        var admin = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "admin");
        var promoted = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "viewer");
        var viewer = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "viewer");
        await silo.ChangeRoleAsync(owner.AccessToken, project.Id(), promoted.UserId, "owner");

        var team = await silo.ListTeamAsync(viewer.AccessToken, project.Id());

        Assert.Equal([owner.UserId, promoted.UserId, member.UserId, admin.UserId, viewer.UserId], UserIds(team));
        Assert.Equal(["owner", "owner", "member", "admin", "viewer"], team["items"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(5, team["total"]!.GetValue<int>());
        Assert.Equal(1, team["page"]!.GetValue<int>());
        var first = team["items"]![0]!;
        Assert.Equal(owner.Email, first["email"]!.GetValue<string>());
        AssertUtcTimestamp(first["joined_at"]);
    }

    [Fact]
    public async Task Inviting_a_username_nobody_has_is_404_USER_NOT_FOUND_and_adds_nothing()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.PostAsync(owner.AccessToken, InvitePath(project.Id()), """{"username":"nobody_here_at_all"}""");
            await response.AssertErrorAsync(HttpStatusCode.NotFound, "USER_NOT_FOUND");
        });
    }

    [Fact]
    public async Task Inviting_someone_already_a_member_is_409_and_keeps_their_role()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var viewer = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "viewer");

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var again = await silo.InviteResponseAsync(owner.AccessToken, project.Id(), viewer.Email, "admin");
            await again.AssertConflictAsync();
            using var self = await silo.InviteResponseAsync(owner.AccessToken, project.Id(), owner.Email);
            await self.AssertConflictAsync();
        });
        Assert.Equal("viewer", await silo.MemberRoleRowAsync(project.Id(), viewer.UserId));
    }

    [Theory]
    [InlineData("""{"role":"member"}""", "email")]
    [InlineData("""{"email":42}""", "email")]
    [InlineData("""{"email":"EMAIL","role":"boss"}""", "role")]
    [InlineData("""{"email":"EMAIL","role":"Owner"}""", "role")]
    [InlineData("""{"email":"EMAIL","user_id":1}""", "user_id")]
    public async Task A_bad_invitation_body_is_a_validation_error_that_adds_nothing(string json, string field)
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var invitee = await silo.RegisterAsync();

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.PostAsync(owner.AccessToken, InvitePath(project.Id()), json.Replace("EMAIL", invitee.Email, StringComparison.Ordinal));
            await response.AssertValidationErrorAsync(field);
        });
    }

    [Fact]
    public async Task Changing_a_role_answers_the_member_and_the_member_sees_it()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var user = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "viewer");

        var changed = await silo.ChangeRoleAsync(owner.AccessToken, project.Id(), user.UserId, "admin");

        Assert.Equal(user.UserId, changed["user_id"]!.GetValue<long>());
        Assert.Equal("admin", changed["role"]!.GetValue<string>());
        Assert.Equal("admin", await silo.MemberRoleRowAsync(project.Id(), user.UserId));
        Assert.Equal("admin", (await silo.GetProjectAsync(user.AccessToken, project.Id()))["role"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"role":"boss"}""", "role")]
    [InlineData("""{"role":null}""", "role")]
    [InlineData("""{"role":"admin","email":"x@example.com"}""", "email")]
    public async Task A_bad_role_change_is_a_validation_error_that_changes_nothing(string json, string field)
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var user = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "member");

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.SendAsync(HttpMethod.Patch, MemberPath(project.Id(), user.UserId), json, token: owner.AccessToken);
            await response.AssertValidationErrorAsync(field);
        });
    }

    [Fact]
    public async Task Removing_a_member_answers_204_and_the_project_is_then_404_for_them()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var user = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "member");
        await silo.FavoriteAsync(user.AccessToken, project.Id());

        using (var removed = await silo.DeleteAsync(owner.AccessToken, MemberPath(project.Id(), user.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        Assert.Null(await silo.MemberRoleRowAsync(project.Id(), user.UserId));
        using (var get = await silo.GetAsync(ProjectPath(project.Id()), user.AccessToken))
        {
            await get.AssertProjectNotFoundAsync();
        }

        Assert.Empty((await silo.ListProjectsAsync(user.AccessToken, "archived=all"))["items"]!.AsArray());
        Assert.Equal([owner.UserId], UserIds(await silo.ListTeamAsync(owner.AccessToken, project.Id())));
        using var again = await silo.DeleteAsync(owner.AccessToken, MemberPath(project.Id(), user.UserId));
        await again.AssertErrorAsync(HttpStatusCode.NotFound, "MEMBER_NOT_FOUND");
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("member")]
    [InlineData("admin")]
    public async Task Anyone_but_the_last_owner_can_leave(string role)
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var user = await silo.AddMemberAsync(owner.AccessToken, project.Id(), role);

        using (var left = await silo.DeleteAsync(user.AccessToken, MemberPath(project.Id(), user.UserId)))
        {
            await left.AssertNoContentAsync();
        }

        Assert.Null(await silo.MemberRoleRowAsync(project.Id(), user.UserId));
        using var get = await silo.GetAsync(ProjectPath(project.Id()), user.AccessToken);
        await get.AssertProjectNotFoundAsync();
    }

    [Fact]
    public async Task The_last_owner_can_neither_leave_nor_be_demoted()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        await silo.AddMemberAsync(owner.AccessToken, project.Id(), "admin");

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var leave = await silo.DeleteAsync(owner.AccessToken, MemberPath(project.Id(), owner.UserId));
            await leave.AssertConflictAsync();
            foreach (var role in RolesBelowOwner)
            {
                using var demote = await silo.ChangeRoleResponseAsync(owner.AccessToken, project.Id(), owner.UserId, role);
                await demote.AssertConflictAsync();
            }
        });
    }

    [Fact]
    public async Task With_two_owners_one_may_demote_or_remove_the_other_but_never_the_last()
    {
        var first = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(first.AccessToken);
        var second = await silo.AddMemberAsync(first.AccessToken, project.Id(), "owner");
        var third = await silo.AddMemberAsync(first.AccessToken, project.Id(), "owner");

        Assert.Equal("admin", (await silo.ChangeRoleAsync(second.AccessToken, project.Id(), first.UserId, "admin"))["role"]!.GetValue<string>());
        using (var removed = await silo.DeleteAsync(second.AccessToken, MemberPath(project.Id(), third.UserId)))
        {
            await removed.AssertNoContentAsync();
        }

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var leave = await silo.DeleteAsync(second.AccessToken, MemberPath(project.Id(), second.UserId));
            await leave.AssertConflictAsync();
            using var demote = await silo.ChangeRoleResponseAsync(second.AccessToken, project.Id(), second.UserId, "member");
            await demote.AssertConflictAsync();
        });
        Assert.Equal("owner", await silo.MemberRoleRowAsync(project.Id(), second.UserId));
    }

    [Fact]
    public async Task An_owner_may_leave_when_another_owner_stays()
    {
        var first = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(first.AccessToken);
        var second = await silo.AddMemberAsync(first.AccessToken, project.Id(), "owner");

        using (var left = await silo.DeleteAsync(first.AccessToken, MemberPath(project.Id(), first.UserId)))
        {
            await left.AssertNoContentAsync();
        }

        Assert.Equal([second.UserId], UserIds(await silo.ListTeamAsync(second.AccessToken, project.Id())));
        using var last = await silo.DeleteAsync(second.AccessToken, MemberPath(project.Id(), second.UserId));
        await last.AssertConflictAsync();
    }

    [Fact]
    public async Task An_admin_can_neither_invite_nor_make_demote_or_remove_an_owner()
    {
        var team = await silo.CreateTeamAsync();
        var candidate = await silo.RegisterAsync();

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var invite = await silo.InviteResponseAsync(team.Admin.AccessToken, team.ProjectId, candidate.Email, "owner");
            await invite.AssertForbiddenAsync();
            using var promote = await silo.ChangeRoleResponseAsync(team.Admin.AccessToken, team.ProjectId, team.Member.UserId, "owner");
            await promote.AssertForbiddenAsync();
            using var promoteSelf = await silo.ChangeRoleResponseAsync(team.Admin.AccessToken, team.ProjectId, team.Admin.UserId, "owner");
            await promoteSelf.AssertForbiddenAsync();
            using var demote = await silo.ChangeRoleResponseAsync(team.Admin.AccessToken, team.ProjectId, team.Owner.UserId, "admin");
            await demote.AssertForbiddenAsync();
            using var remove = await silo.DeleteAsync(team.Admin.AccessToken, MemberPath(team.ProjectId, team.Owner.UserId));
            await remove.AssertForbiddenAsync();
        });
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task A_member_or_viewer_cannot_manage_the_team(string role)
    {
        var team = await silo.CreateTeamAsync();
        var caller = team.As(role);
        var (target, newRole) = role == "member" ? (team.Viewer, "member") : (team.Member, "viewer");
        var candidate = await silo.RegisterAsync();

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var invite = await silo.InviteResponseAsync(caller.AccessToken, team.ProjectId, candidate.Email, "viewer");
            await invite.AssertForbiddenAsync();
            using var change = await silo.ChangeRoleResponseAsync(caller.AccessToken, team.ProjectId, target.UserId, newRole);
            await change.AssertForbiddenAsync();
            using var promoteSelf = await silo.ChangeRoleResponseAsync(caller.AccessToken, team.ProjectId, caller.UserId, "admin");
            await promoteSelf.AssertForbiddenAsync();
            using var remove = await silo.DeleteAsync(caller.AccessToken, MemberPath(team.ProjectId, target.UserId));
            await remove.AssertForbiddenAsync();
        });
    }

    [Fact]
    public async Task An_unknown_member_is_404_MEMBER_NOT_FOUND()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var outsider = await silo.RegisterAsync();

        await silo.AssertChangesNothingAsync(async () =>
        {
            foreach (var userId in new[] { outsider.UserId, long.MaxValue })
            {
                using var change = await silo.ChangeRoleResponseAsync(owner.AccessToken, project.Id(), userId, "member");
                await change.AssertErrorAsync(HttpStatusCode.NotFound, "MEMBER_NOT_FOUND");
                using var remove = await silo.DeleteAsync(owner.AccessToken, MemberPath(project.Id(), userId));
                await remove.AssertErrorAsync(HttpStatusCode.NotFound, "MEMBER_NOT_FOUND");
            }
        });
    }
}
