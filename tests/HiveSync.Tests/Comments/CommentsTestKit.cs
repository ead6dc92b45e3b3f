using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>How many rows each comment table holds for one comment.</summary>
public sealed record CommentRowCounts(long Comments, long Versions, long Stars);

/// <summary>Requests and database look-ups of the comment tests, over HTTP and SQL only.</summary>
public static class CommentsTestKit
{
    public const string OnTask = "task";
    public const string OnProject = "project";

    /// <summary>The notification a comment on a task sends its assignees.</summary>
    public const string CommentOnAssignedTask = "comment.on_assigned_task";

    public static readonly string[] CommentKeys =
    [
        "id", "project_id", "entity_type", "entity_id", "author_id", "body", "edited", "star_count", "starred_by_me", "created_at",
        "updated_at", "edited_at",
    ];

    public static readonly string[] VersionKeys = ["version", "body", "written_at"];

    // ---- paths ----

    public static string CommentsPath(long projectId) => ProjectPath(projectId) + "/comments";

    public static string CommentPath(long projectId, long commentId) => CommentsPath(projectId) + "/" + Text(commentId);

    public static string HistoryPath(long projectId, long commentId) => CommentPath(projectId, commentId) + "/history";

    public static string StarPath(long projectId, long commentId) => CommentPath(projectId, commentId) + "/star";

    public static string EntityQuery(string entityType, long entityId) => $"entity_type={entityType}&entity_id={Text(entityId)}";

    // ---- create ----

    public static string CommentJson(string entityType, long entityId, string body) =>
        Json(new JsonObject { ["entity_type"] = entityType, ["entity_id"] = entityId, ["body"] = body });

    public static Task<HttpResponseMessage> CreateCommentResponseAsync(this TestSilo silo, string token, long projectId, string json) =>
        silo.PostAsync(token, CommentsPath(projectId), json);

    public static Task<HttpResponseMessage> CommentResponseAsync(this TestSilo silo, string token, long projectId, string entityType, long entityId, string body) =>
        silo.CreateCommentResponseAsync(token, projectId, CommentJson(entityType, entityId, body));

    /// <summary>Comments (asserting 201 and the exact comment shape) and returns the answer's <c>data</c>.</summary>
    public static async Task<JsonNode> CommentAsync(this TestSilo silo, string token, long projectId, string entityType, long entityId, string? body = null)
    {
        using var response = await silo.CommentResponseAsync(token, projectId, entityType, entityId, body ?? "Comment " + Guid.NewGuid().ToString("N")[..8]);
        return AssertComment(await response.AssertOkJsonAsync(HttpStatusCode.Created));
    }

    public static Task<JsonNode> CommentOnTaskAsync(this TestSilo silo, string token, long projectId, long taskId, string? body = null) =>
        silo.CommentAsync(token, projectId, OnTask, taskId, body);

    public static Task<JsonNode> CommentOnProjectAsync(this TestSilo silo, string token, long projectId, string? body = null) =>
        silo.CommentAsync(token, projectId, OnProject, projectId, body);

    /// <summary>Asserts <c>{ data: comment }</c> with exactly the comment's keys and returns the comment.</summary>
    public static JsonNode AssertComment(JsonNode body)
    {
        AssertExactKeys(body, "data");
        AssertCommentObject(body["data"]);
        return body["data"]!;
    }

    /// <summary>Asserts the comment's keys and that <c>edited</c> agrees with <c>edited_at</c>, timestamps in UTC.</summary>
    public static void AssertCommentObject(JsonNode? comment)
    {
        AssertExactKeys(comment, CommentKeys);
        AssertUtcTimestamp(comment!["created_at"]);
        AssertUtcTimestamp(comment["updated_at"]);
        if (comment["edited"]!.GetValue<bool>())
        {
            AssertUtcTimestamp(comment["edited_at"]);
        }
        else
        {
            Assert.Null(comment["edited_at"]);
        }
    }

    // ---- read ----

    public static Task<HttpResponseMessage> ListCommentsResponseAsync(this TestSilo silo, string token, long projectId, string query) =>
        silo.GetAsync(query.Length == 0 ? CommentsPath(projectId) : CommentsPath(projectId) + "?" + query, token);

    /// <summary>Lists comments (asserting 200, the list shape and every comment's shape); <paramref name="query"/> without the <c>?</c>.</summary>
    public static async Task<JsonNode> ListCommentsAsync(this TestSilo silo, string token, long projectId, string query)
    {
        using var response = await silo.ListCommentsResponseAsync(token, projectId, query);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertCommentObject(item);
        }

        return list;
    }

    /// <summary>The one comment <paramref name="commentId"/> as <paramref name="token"/>'s owner sees it in its entity's list.</summary>
    public static async Task<JsonNode> CommentAsSeenByAsync(this TestSilo silo, string token, long projectId, string entityType, long entityId, long commentId)
    {
        var list = await silo.ListCommentsAsync(token, projectId, EntityQuery(entityType, entityId) + "&page_size=100");
        return Assert.Single(list["items"]!.AsArray(), c => c!.Id() == commentId)!;
    }

    public static IReadOnlyList<string> Bodies(this JsonNode list) =>
        list["items"]!.AsArray().Select(i => i!["body"]!.GetValue<string>()).ToList();

    public static Task<HttpResponseMessage> HistoryResponseAsync(this TestSilo silo, string token, long projectId, long commentId) =>
        silo.GetAsync(HistoryPath(projectId, commentId), token);

    /// <summary>A comment's versions (asserting 200, the list shape and every version's shape).</summary>
    public static async Task<JsonNode> HistoryAsync(this TestSilo silo, string token, long projectId, long commentId)
    {
        using var response = await silo.HistoryResponseAsync(token, projectId, commentId);
        var list = AssertList(await response.AssertOkJsonAsync());
        foreach (var item in list["items"]!.AsArray())
        {
            AssertExactKeys(item, VersionKeys);
            AssertUtcTimestamp(item!["written_at"]);
        }

        return list;
    }

    // ---- edit, delete, star ----

    public static Task<HttpResponseMessage> EditCommentResponseAsync(this TestSilo silo, string token, long projectId, long commentId, string body) =>
        silo.SendAsync(HttpMethod.Patch, CommentPath(projectId, commentId), Json(new JsonObject { ["body"] = body }), token: token);

    public static async Task<JsonNode> EditCommentAsync(this TestSilo silo, string token, long projectId, long commentId, string body)
    {
        using var response = await silo.EditCommentResponseAsync(token, projectId, commentId, body);
        return AssertComment(await response.AssertOkJsonAsync());
    }

    public static Task<HttpResponseMessage> DeleteCommentResponseAsync(this TestSilo silo, string token, long projectId, long commentId) =>
        silo.DeleteAsync(token, CommentPath(projectId, commentId));

    public static async Task DeleteCommentAsync(this TestSilo silo, string token, long projectId, long commentId)
    {
        using var response = await silo.DeleteCommentResponseAsync(token, projectId, commentId);
        await response.AssertNoContentAsync();
    }

    public static Task<HttpResponseMessage> StarResponseAsync(this TestSilo silo, string token, long projectId, long commentId, bool starred) =>
        silo.SendAsync(starred ? HttpMethod.Post : HttpMethod.Delete, StarPath(projectId, commentId), token: token);

    /// <summary>Stars (or unstars) a comment, asserting 200 and the comment's shape, and returns the comment.</summary>
    public static async Task<JsonNode> StarAsync(this TestSilo silo, string token, long projectId, long commentId, bool starred = true)
    {
        using var response = await silo.StarResponseAsync(token, projectId, commentId, starred);
        return AssertComment(await response.AssertOkJsonAsync());
    }

    public static Task<JsonNode> AssertCommentNotFoundAsync(this HttpResponseMessage response) =>
        response.AssertErrorAsync(HttpStatusCode.NotFound, "COMMENT_NOT_FOUND");

    // ---- database ----

    /// <summary>The three comment tables, and the notifications comments write.</summary>
    public static readonly SnapshotTable[] CommentTables =
    [
        new("comments", "x.id"), new("comment_versions", "x.comment_id, x.version"), new("comment_stars", "x.comment_id, x.user_id"), new("notifications", "x.id"),
    ];

    public static Task<string> CommentTablesSnapshotAsync(this TestSilo silo) => silo.SnapshotAsync(CommentTables);

    /// <summary>Runs <paramref name="request"/> and asserts that the comment tables (and notifications) are exactly as before it.</summary>
    public static Task AssertCommentsUnchangedAsync(this TestSilo silo, Func<Task> request) => silo.AssertUnchangedAsync(CommentTables, request);

    public static async Task<CommentRowCounts> CommentRowCountsAsync(this TestSilo silo, long commentId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleAsync<CommentRowCounts>(
            """
            SELECT (SELECT count(*) FROM comments WHERE id = @commentId) AS Comments,
                   (SELECT count(*) FROM comment_versions WHERE comment_id = @commentId) AS Versions,
                   (SELECT count(*) FROM comment_stars WHERE comment_id = @commentId) AS Stars
            """,
            new { commentId });
    }

    /// <summary>Asserts a response's status, naming <paramref name="what"/> and quoting the body when it differs.</summary>
    public static async Task AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
    }
}
