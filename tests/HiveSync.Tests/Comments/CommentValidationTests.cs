using System.Net;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Comments.CommentsTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Comments;

/// <summary>A body is 1–10 000 characters, <c>entity_type</c> is task or project, unknown fields are refused: 400 naming the field, nothing written.</summary>
public sealed class CommentValidationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private const int MaxBody = 10_000;

    /// <summary>Create bodies that must be refused (<c>{task}</c> is a task of the project), and the field each must name.</summary>
    public static TheoryData<string, string> BadCreates { get; } = new()
    {
        { """{"entity_type":"task","entity_id":{task},"body":""}""", "body" },
        { """{"entity_type":"task","entity_id":{task},"body":"TOO_LONG"}""", "body" },
        { """{"entity_type":"task","entity_id":{task}}""", "body" },
        { """{"entity_type":"task","entity_id":{task},"body":null}""", "body" },
        { """{"entity_type":"task","entity_id":{task},"body":42}""", "body" },
        { """{"entity_type":"task","entity_id":{task},"body":"hello","bogus":1}""", "bogus" },
        { """{"entity_type":"task","entity_id":{task},"body":"hello","task_id":{task}}""", "task_id" },
        { """{"entity_type":"issue","entity_id":{task},"body":"hello"}""", "entity_type" },
        { """{"entity_type":"Task","entity_id":{task},"body":"hello"}""", "entity_type" },
        { """{"entity_type":"","entity_id":{task},"body":"hello"}""", "entity_type" },
        { """{"entity_id":{task},"body":"hello"}""", "entity_type" },
        { """{"entity_type":"task","body":"hello"}""", "entity_id" },
        { """{"entity_type":"project","body":"hello"}""", "entity_id" },
        { """{"entity_type":"task","entity_id":null,"body":"hello"}""", "entity_id" },
        { """{"entity_type":"task","entity_id":"{task}x","body":"hello"}""", "entity_id" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task A_bad_comment_is_400_naming_the_field_and_nothing_is_written(string json, string field)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var task = (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id();
        var body = json.Replace("{task}", Text(task), StringComparison.Ordinal).Replace("TOO_LONG", new string('a', MaxBody + 1), StringComparison.Ordinal);

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var response = await silo.CreateCommentResponseAsync(owner.AccessToken, projectId, body);
            await response.AssertFieldRefusedAsync(field);
        });
    }

    [Fact]
    public async Task A_body_of_exactly_10000_characters_is_accepted_whole()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var body = new string('b', MaxBody);

        var comment = await silo.CommentOnProjectAsync(owner.AccessToken, projectId, body);

        Assert.Equal(body, comment["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_keeps_its_line_breaks()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        var comment = await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "line one\nline two\r\nline three");

        Assert.Equal("line one\nline two\r\nline three", comment["body"]!.GetValue<string>());
        var history = await silo.HistoryAsync(owner.AccessToken, projectId, comment.Id());
        Assert.Equal(["line one\nline two\r\nline three"], history.Bodies());
    }

    /// <summary>Edit bodies that must be refused, and the field each must name.</summary>
    public static TheoryData<string, string> BadEdits { get; } = new()
    {
        { """{"body":""}""", "body" },
        { """{"body":"TOO_LONG"}""", "body" },
        { """{}""", "body" },
        { """{"body":7}""", "body" },
        { """{"body":"fine","bogus":true}""", "bogus" },
        { """{"body":"fine","entity_type":"project"}""", "entity_type" },
    };

    [Theory]
    [MemberData(nameof(BadEdits))]
    public async Task A_bad_edit_is_400_naming_the_field_and_the_comment_stays_as_it_was(string json, string field)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var comment = (await silo.CommentOnProjectAsync(owner.AccessToken, projectId, "original")).Id();
        var body = json.Replace("TOO_LONG", new string('a', MaxBody + 1), StringComparison.Ordinal);

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var response = await silo.SendAsync(HttpMethod.Patch, CommentPath(projectId, comment), body, token: owner.AccessToken);
            await response.AssertFieldRefusedAsync(field);
        });
    }

    [Fact]
    public async Task A_comment_on_a_task_that_does_not_exist_is_404_TASK_NOT_FOUND()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        await silo.AssertCommentsUnchangedAsync(async () =>
        {
            using var response = await silo.CommentResponseAsync(owner.AccessToken, projectId, OnTask, 999_999_999, "hello");
            await response.AssertTaskNotFoundAsync();
        });
    }

    [Fact]
    public async Task A_non_json_comment_is_415()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, CommentsPath(projectId))
        {
            Body = "body=hello",
            ContentType = "application/x-www-form-urlencoded",
            Bearer = owner.AccessToken,
        });

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }
}
