using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>A silo whose free tier allows two projects per creator and five members per project (the owner counts).</summary>
public sealed class ProjectLimitsSilo : TestSilo
{
    public const int Projects = 2;
    public const int MembersPerProject = 5;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Tiers:Free:Projects", Text(Projects)),
        new("Tiers:Free:MembersPerProject", Text(MembersPerProject)),
    ];
}

/// <summary>The tier limits of projects: projects per creator and members per project, exact under concurrency.</summary>
public sealed class ProjectLimitsTests(ProjectLimitsSilo silo) : IClassFixture<ProjectLimitsSilo>
{
    private static async Task AssertTierLimitAsync(HttpResponseMessage response, string limit, int max)
    {
        var error = await response.AssertErrorAsync(HttpStatusCode.Forbidden, "TIER_LIMIT_EXCEEDED");
        var details = error["details"]!;
        Assert.Equal(limit, details["limit"]!.GetValue<string>());
        Assert.Equal(max, details["max"]!.GetValue<int>());
        Assert.Equal(max, details["current"]!.GetValue<int>());
        Assert.Equal("free", details["tier"]!.GetValue<string>());
        Assert.Equal("pro", details["upgrade_to"]!.GetValue<string>());
    }

    private async Task<long> MemberRowsAsync(long projectId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM project_members WHERE project_id = @projectId", new { projectId });
    }

    private async Task AssertCreateRefusedAsync(SignedIn user)
    {
        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.CreateProjectResponseAsync(user.AccessToken, """{"name":"One too many"}""");
            await AssertTierLimitAsync(response, "projects", ProjectLimitsSilo.Projects);
        });
    }

    [Fact]
    public async Task A_project_beyond_the_tiers_limit_is_403_TIER_LIMIT_EXCEEDED_and_creates_nothing()
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken);
        await silo.CreateProjectAsync(user.AccessToken);

        await AssertCreateRefusedAsync(user);

        Assert.Equal(ProjectLimitsSilo.Projects, await silo.ProjectsCreatedByAsync(user.UserId));
    }

    [Fact]
    public async Task Concurrent_creations_never_pass_the_project_limit()
    {
        var user = await silo.RegisterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            silo.CreateProjectResponseAsync(user.AccessToken, Json(new JsonObject { ["name"] = $"Racing {i}" }))));
        try
        {
            Assert.Equal(ProjectLimitsSilo.Projects, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            {
                await AssertTierLimitAsync(refused, "projects", ProjectLimitsSilo.Projects);
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        Assert.Equal(ProjectLimitsSilo.Projects, await silo.ProjectsCreatedByAsync(user.UserId));
    }

    [Fact]
    public async Task Archived_projects_count_against_the_limit()
    {
        var user = await silo.RegisterAsync();
        var archived = await silo.CreateProjectAsync(user.AccessToken);
        await silo.CreateProjectAsync(user.AccessToken);
        await silo.ArchiveAsync(user.AccessToken, archived.Id());

        await AssertCreateRefusedAsync(user);
    }

    [Fact]
    public async Task A_deleted_project_no_longer_counts()
    {
        var user = await silo.RegisterAsync();
        var deleted = await silo.CreateProjectAsync(user.AccessToken);
        await silo.CreateProjectAsync(user.AccessToken);
        using (var response = await silo.DeleteAsync(user.AccessToken, ProjectPath(deleted.Id())))
        {
            await response.AssertNoContentAsync();
        }

        await silo.CreateProjectAsync(user.AccessToken);

        Assert.Equal(ProjectLimitsSilo.Projects, await silo.ProjectsCreatedByAsync(user.UserId));
    }

    [Fact]
    public async Task Only_the_projects_a_user_created_count_not_those_they_joined()
    {
        var other = await silo.RegisterAsync();
        var user = await silo.RegisterAsync();
        foreach (var project in new[] { await silo.CreateProjectAsync(other.AccessToken), await silo.CreateProjectAsync(other.AccessToken) })
        {
            await silo.InviteAsync(other.AccessToken, project.Id(), user.Email, "owner");
        }

        await silo.CreateProjectAsync(user.AccessToken);
        await silo.CreateProjectAsync(user.AccessToken);

        await AssertCreateRefusedAsync(user);
        Assert.Equal(4, (await silo.ListProjectsAsync(user.AccessToken))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Ten_concurrent_invitations_admit_exactly_as_many_as_the_member_limit_leaves_room_for()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var invitees = new List<SignedIn>();
        for (var i = 0; i < 10; i++)
        {
            invitees.Add(await silo.RegisterAsync());
            await silo.VerifyEmailAsync(invitees[^1].Email);
        }

        var responses = await Task.WhenAll(invitees.Select(i => silo.InviteResponseAsync(owner.AccessToken, project.Id(), i.Email)));
        try
        {
            var admitted = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
            var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
            Assert.Equal(ProjectLimitsSilo.MembersPerProject - 1, admitted.Count);
            foreach (var response in admitted)
            {
                AssertMember(await response.ReadJsonAsync());
            }

            foreach (var response in refused)
            {
                await AssertTierLimitAsync(response, "members_per_project", ProjectLimitsSilo.MembersPerProject);
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        Assert.Equal(ProjectLimitsSilo.MembersPerProject, await MemberRowsAsync(project.Id()));
        Assert.Equal(ProjectLimitsSilo.MembersPerProject, (await silo.ListTeamAsync(owner.AccessToken, project.Id()))["total"]!.GetValue<int>());
        Assert.Equal(ProjectLimitsSilo.MembersPerProject, (await silo.GetProjectAsync(owner.AccessToken, project.Id()))["member_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_full_project_admits_one_again_after_a_member_leaves()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken);
        var members = new List<SignedIn>();
        for (var i = 1; i < ProjectLimitsSilo.MembersPerProject; i++)
        {
            members.Add(await silo.AddMemberAsync(owner.AccessToken, project.Id(), "viewer"));
        }

        var late = await silo.RegisterAsync();
        await silo.AssertChangesNothingAsync(async () =>
        {
            using var full = await silo.InviteResponseAsync(owner.AccessToken, project.Id(), late.Email, "viewer");
            await AssertTierLimitAsync(full, "members_per_project", ProjectLimitsSilo.MembersPerProject);
        });
        using (var left = await silo.DeleteAsync(members[0].AccessToken, MemberPath(project.Id(), members[0].UserId)))
        {
            await left.AssertNoContentAsync();
        }

        var admitted = await silo.InviteAsync(owner.AccessToken, project.Id(), late.Email, "viewer");

        Assert.Equal(late.UserId, admitted["user_id"]!.GetValue<long>());
        Assert.Equal(ProjectLimitsSilo.MembersPerProject, await MemberRowsAsync(project.Id()));
    }
}
