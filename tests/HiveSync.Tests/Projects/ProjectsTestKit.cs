using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>
/// A silo whose free tier allows as many projects and members as the pro tier: tier limits this high keep them out
/// of tests about something else (each test signs up fresh accounts, but some create many projects). The limits
/// themselves are tested on <see cref="ProjectLimitsSilo"/>.
/// </summary>
public class ProjectsSilo : TestSilo
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Tiers:Free:Projects", "25"),
        new("Tiers:Free:MembersPerProject", "25"),
    ];
}

/// <summary>A project with one account of each role: the owner created it and invited the others.</summary>
public sealed record Team(long ProjectId, SignedIn Owner, SignedIn Admin, SignedIn Member, SignedIn Viewer)
{
    public SignedIn As(string role) => role switch
    {
        "owner" => Owner,
        "admin" => Admin,
        "member" => Member,
        "viewer" => Viewer,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a project role"),
    };
}

/// <summary>How many rows each project table holds for one project.</summary>
public sealed record ProjectRowCounts(long Projects, long Members, long Favorites, long Tags);

/// <summary>Requests and database look-ups of the project and team tests, over HTTP and SQL only.</summary>
public static class ProjectsTestKit
{
    public const string ProjectsPath = "/api/v1/projects";

    public static readonly string[] ProjectKeys =
        ["id", "key", "name", "description", "role", "is_favorite", "archived", "archived_at", "tags", "member_count", "created_by", "created_at", "updated_at"];

    public static readonly string[] TagKeys = ["id", "name", "created_at"];

    public static readonly string[] MemberKeys = ["user_id", "email", "display_name", "username", "role", "joined_at"];

    public static readonly string[] ListKeys = ["items", "total", "page", "page_size"];

    // ---- paths ----

    public static string ProjectPath(long projectId) => ProjectPath(Text(projectId));

    /// <summary>The project path with the id as given, for ids that are not numbers.</summary>
    public static string ProjectPath(string projectId) => $"{ProjectsPath}/{projectId}";

    public static string ArchivePath(long projectId) => ProjectPath(projectId) + "/archive";

    public static string UnarchivePath(long projectId) => ProjectPath(projectId) + "/unarchive";

    public static string FavoritePath(long projectId) => ProjectPath(projectId) + "/favorite";

    public static string TagsPath(long projectId) => ProjectPath(projectId) + "/tags";

    public static string TagPath(long projectId, long tagId) => TagsPath(projectId) + "/" + Text(tagId);

    public static string TeamPath(long projectId) => ProjectPath(projectId) + "/team";

    public static string InvitePath(long projectId) => TeamPath(projectId) + "/invite";

    public static string MemberPath(long projectId, long userId) => TeamPath(projectId) + "/" + Text(userId);

    public static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static long Id(this JsonNode node) => node["id"]!.GetValue<long>();

    // ---- projects ----

    public static string NewProjectName() => "Project " + Guid.NewGuid().ToString("N")[..8];

    public static Task<HttpResponseMessage> CreateProjectResponseAsync(this TestSilo silo, string token, string json) =>
        silo.SendAsync(HttpMethod.Post, ProjectsPath, json, token: token);

    /// <summary>Creates a project (asserting 201 and the exact project shape) and returns the answer's <c>data</c>.</summary>
    public static async Task<JsonNode> CreateProjectAsync(this TestSilo silo, string token, string? name = null, string? description = null, string? key = null)
    {
        var body = new JsonObject { ["name"] = name ?? NewProjectName() };
        if (description is not null)
        {
            body["description"] = description;
        }

        if (key is not null)
        {
            body["key"] = key;
        }

        using var response = await silo.CreateProjectResponseAsync(token, Json(body));
        return AssertProject(await response.AssertOkJsonAsync(HttpStatusCode.Created));
    }

    /// <summary>Asserts <c>{ data: project }</c> with exactly the project's keys and returns the project.</summary>
    public static JsonNode AssertProject(JsonNode body)
    {
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], ProjectKeys);
        return body["data"]!;
    }

    public static async Task<JsonNode> GetProjectAsync(this TestSilo silo, string token, long projectId)
    {
        using var response = await silo.GetAsync(ProjectPath(projectId), token);
        return AssertProject(await response.AssertOkJsonAsync());
    }

    public static Task<HttpResponseMessage> PatchProjectResponseAsync(this TestSilo silo, string token, long projectId, string json) =>
        silo.SendAsync(HttpMethod.Patch, ProjectPath(projectId), json, token: token);

    public static async Task<JsonNode> PatchProjectAsync(this TestSilo silo, string token, long projectId, string json)
    {
        using var response = await silo.PatchProjectResponseAsync(token, projectId, json);
        return AssertProject(await response.AssertOkJsonAsync());
    }

    public static Task<HttpResponseMessage> PostAsync(this TestSilo silo, string token, string path, string? json = null) =>
        silo.SendAsync(HttpMethod.Post, path, json, token: token);

    public static Task<HttpResponseMessage> DeleteAsync(this TestSilo silo, string token, string path) =>
        silo.SendAsync(HttpMethod.Delete, path, token: token);

    public static async Task<JsonNode> ArchiveAsync(this TestSilo silo, string token, long projectId)
    {
        using var response = await silo.PostAsync(token, ArchivePath(projectId));
        return AssertProject(await response.AssertOkJsonAsync());
    }

    /// <summary>Lists the caller's projects (asserting 200 and the list shape); <paramref name="query"/> without the <c>?</c>.</summary>
    public static async Task<JsonNode> ListProjectsAsync(this TestSilo silo, string token, string query = "")
    {
        using var response = await silo.GetAsync(query.Length == 0 ? ProjectsPath : ProjectsPath + "?" + query, token);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertExactKeys(item, ProjectKeys);
        }

        return list;
    }

    public static Task<HttpResponseMessage> ListProjectsResponseAsync(this TestSilo silo, string token, string query) =>
        silo.GetAsync(ProjectsPath + "?" + query, token);

    /// <summary>Asserts <c>{ items, total, page, page_size }</c> and returns it.</summary>
    public static JsonNode AssertList(JsonNode body)
    {
        AssertExactKeys(body, ListKeys);
        Assert.IsType<JsonArray>(body["items"]);
        return body;
    }

    public static IReadOnlyList<string> Names(this JsonNode list) =>
        list["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToList();

    public static IReadOnlyList<long> Ids(this JsonNode list) =>
        list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()).ToList();

    public static IReadOnlyList<string> TagNames(this JsonNode project) =>
        project["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    // ---- tags and favorites ----

    public static Task<HttpResponseMessage> CreateTagResponseAsync(this TestSilo silo, string token, long projectId, string name) =>
        silo.PostAsync(token, TagsPath(projectId), Json(new JsonObject { ["name"] = name }));

    public static async Task<JsonNode> CreateTagAsync(this TestSilo silo, string token, long projectId, string name)
    {
        using var response = await silo.CreateTagResponseAsync(token, projectId, name);
        var body = await response.AssertOkJsonAsync(HttpStatusCode.Created);
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], TagKeys);
        return body["data"]!;
    }

    public static async Task<JsonNode> ListTagsAsync(this TestSilo silo, string token, long projectId)
    {
        using var response = await silo.GetAsync(TagsPath(projectId), token);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertExactKeys(item, TagKeys);
        }

        return list;
    }

    public static async Task FavoriteAsync(this TestSilo silo, string token, long projectId)
    {
        using var response = await silo.PostAsync(token, FavoritePath(projectId));
        await response.AssertNoContentAsync();
    }

    // ---- team ----

    public static Task<HttpResponseMessage> InviteResponseAsync(this TestSilo silo, string token, long projectId, string email, string? role = null)
    {
        var body = new JsonObject { ["email"] = email };
        if (role is not null)
        {
            body["role"] = role;
        }

        return silo.PostAsync(token, InvitePath(projectId), Json(body));
    }

    /// <summary>
    /// Verifies the invitee's address (an unverified one would get an invitation instead), then invites it (asserting 201
    /// and the exact member shape) and returns the member.
    /// </summary>
    public static async Task<JsonNode> InviteAsync(this TestSilo silo, string token, long projectId, string email, string? role = null)
    {
        await silo.VerifyEmailAsync(email);
        using var response = await silo.InviteResponseAsync(token, projectId, email, role);
        return AssertMember(await response.AssertOkJsonAsync(HttpStatusCode.Created));
    }

    /// <summary>Signs up a new account and has <paramref name="inviterToken"/> invite it with <paramref name="role"/>.</summary>
    public static async Task<SignedIn> AddMemberAsync(this TestSilo silo, string inviterToken, long projectId, string role)
    {
        var user = await silo.RegisterAsync();
        await silo.InviteAsync(inviterToken, projectId, user.Email, role);
        return user;
    }

    /// <summary>Asserts <c>{ data: member }</c> with exactly the member's keys and returns the member.</summary>
    public static JsonNode AssertMember(JsonNode body)
    {
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], MemberKeys);
        return body["data"]!;
    }

    public static Task<HttpResponseMessage> ChangeRoleResponseAsync(this TestSilo silo, string token, long projectId, long userId, string role) =>
        silo.SendAsync(HttpMethod.Patch, MemberPath(projectId, userId), Json(new JsonObject { ["role"] = role }), token: token);

    public static async Task<JsonNode> ChangeRoleAsync(this TestSilo silo, string token, long projectId, long userId, string role)
    {
        using var response = await silo.ChangeRoleResponseAsync(token, projectId, userId, role);
        return AssertMember(await response.AssertOkJsonAsync());
    }

    public static async Task<JsonNode> ListTeamAsync(this TestSilo silo, string token, long projectId)
    {
        using var response = await silo.GetAsync(TeamPath(projectId), token);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertExactKeys(item, MemberKeys);
        }

        return list;
    }

    /// <summary>A new project of a new owner, with a new admin, member and viewer invited by the owner.</summary>
    public static async Task<Team> CreateTeamAsync(this TestSilo silo)
    {
        var owner = await silo.RegisterAsync();
        var projectId = (await silo.CreateProjectAsync(owner.AccessToken)).Id();
        var admin = await silo.AddMemberAsync(owner.AccessToken, projectId, "admin");
        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        var viewer = await silo.AddMemberAsync(owner.AccessToken, projectId, "viewer");
        return new Team(projectId, owner, admin, member, viewer);
    }

    // ---- answers ----

    public static async Task AssertNoContentAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"expected 204, got {(int)response.StatusCode}: {text}");
        Assert.Equal("", text);
    }

    public static Task<JsonNode> AssertForbiddenAsync(this HttpResponseMessage response) =>
        response.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");

    public static Task<JsonNode> AssertConflictAsync(this HttpResponseMessage response) =>
        response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");

    public static Task<JsonNode> AssertProjectNotFoundAsync(this HttpResponseMessage response) =>
        response.AssertErrorAsync(HttpStatusCode.NotFound, "PROJECT_NOT_FOUND");

    // ---- strangers ----

    /// <summary>A new account, and the id of a project that no longer exists (its own, deleted): what a stranger gets from a real project must equal what it gets from this one.</summary>
    public static async Task<(SignedIn Stranger, long MissingProjectId)> StrangerWithMissingProjectAsync(this TestSilo silo)
    {
        var stranger = await silo.RegisterAsync();
        var missing = (await silo.CreateProjectAsync(stranger.AccessToken)).Id();
        using var deleted = await silo.DeleteAsync(stranger.AccessToken, ProjectPath(missing));
        await deleted.AssertNoContentAsync();
        return (stranger, missing);
    }

    /// <summary>Both answers are 404 PROJECT_NOT_FOUND, word for word the same: a foreign project looks exactly like a missing one.</summary>
    public static async Task AssertAnswersLikeMissingAsync(this HttpResponseMessage foreign, HttpResponseMessage missing)
    {
        var foreignError = await foreign.AssertProjectNotFoundAsync();
        var missingError = await missing.AssertProjectNotFoundAsync();
        Assert.Equal(missingError.ToJsonString(), foreignError.ToJsonString());
    }

    // ---- database ----

    /// <summary>The four project tables.</summary>
    public static readonly SnapshotTable[] ProjectTables =
    [
        new("projects", "x.id"), new("project_members", "x.project_id, x.user_id"), new("project_favorites", "x.user_id, x.project_id"), new("project_tags", "x.id"),
    ];

    public static Task<string> ProjectTablesSnapshotAsync(this TestSilo silo) => silo.SnapshotAsync(ProjectTables);

    /// <summary>Runs <paramref name="request"/> and asserts that the project tables are exactly as before it.</summary>
    public static Task AssertChangesNothingAsync(this TestSilo silo, Func<Task> request) => silo.AssertUnchangedAsync(ProjectTables, request);

    public static async Task<ProjectRowCounts> ProjectRowCountsAsync(this TestSilo silo, long projectId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleAsync<ProjectRowCounts>(
            """
            SELECT (SELECT count(*) FROM projects WHERE id = @projectId) AS Projects,
                   (SELECT count(*) FROM project_members WHERE project_id = @projectId) AS Members,
                   (SELECT count(*) FROM project_favorites WHERE project_id = @projectId) AS Favorites,
                   (SELECT count(*) FROM project_tags WHERE project_id = @projectId) AS Tags
            """,
            new { projectId });
    }

    /// <summary>The role column of one membership row, or null when there is none.</summary>
    public static async Task<string?> MemberRoleRowAsync(this TestSilo silo, long projectId, long userId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<string?>(
            "SELECT role FROM project_members WHERE project_id = @projectId AND user_id = @userId", new { projectId, userId });
    }

    public static async Task<long> ProjectsCreatedByAsync(this TestSilo silo, long userId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM projects WHERE created_by = @userId", new { userId });
    }
}
