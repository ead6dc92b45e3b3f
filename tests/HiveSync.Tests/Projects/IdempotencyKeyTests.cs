using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Projects;

/// <summary>Idempotency-Key on create routes: a retry never creates twice, a reused key for something else is refused.</summary>
public sealed class IdempotencyKeyTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task The_same_key_and_body_answer_the_stored_creation_again_and_create_nothing_more()
    {
        var user = await silo.RegisterAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await CreateAsync(user.AccessToken, key, new { name = "Once" });
        using var again = await CreateAsync(user.AccessToken, key, new { name = "Once" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.True(JsonNode.DeepEquals(await first.ReadJsonAsync(), await again.ReadJsonAsync()));
        Assert.Equal(1, await ProjectsOfAsync(user.UserId));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_exactly_once()
    {
        var user = await silo.RegisterAsync();
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CreateAsync(user.AccessToken, key, new { name = "Racing" })));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, a.StatusCode.ToString()));
        var ids = new HashSet<long>();
        foreach (var created in answers.Where(a => a.StatusCode == HttpStatusCode.Created))
        {
            ids.Add((await created.ReadJsonAsync())["data"]!["id"]!.GetValue<long>());
        }

        Assert.Single(ids);
        Assert.Equal(1, await ProjectsOfAsync(user.UserId));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_creates_nothing()
    {
        var user = await silo.RegisterAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await CreateAsync(user.AccessToken, key, new { name = "First" });

        using var other = await CreateAsync(user.AccessToken, key, new { name = "Second" });

        await other.AssertErrorAsync((HttpStatusCode)422, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal(1, await ProjectsOfAsync(user.UserId));
    }

    [Fact]
    public async Task Keys_are_per_user_and_a_failed_request_leaves_its_key_free()
    {
        var alice = await silo.RegisterAsync();
        var bob = await silo.RegisterAsync();
        var key = Guid.NewGuid().ToString();

        using var refused = await CreateAsync(alice.AccessToken, key, new { name = "" });
        using var retried = await CreateAsync(alice.AccessToken, key, new { name = "Fixed" });
        using var bobs = await CreateAsync(bob.AccessToken, key, new { name = "Fixed" });

        await refused.AssertValidationErrorAsync("name");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);
        Assert.False(bobs.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task A_malformed_key_is_a_validation_error()
    {
        var user = await silo.RegisterAsync();

        using var response = await CreateAsync(user.AccessToken, "has space", new { name = "x" });

        await response.AssertValidationErrorAsync("Idempotency-Key");
        Assert.Equal(0, await ProjectsOfAsync(user.UserId));
    }

    private Task<HttpResponseMessage> CreateAsync(string token, string key, object body) =>
        silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/projects")
        {
            Bearer = token,
            Body = JsonSerializer.Serialize(body),
            Headers = new Dictionary<string, string> { ["Idempotency-Key"] = key },
        });

    private async Task<long> ProjectsOfAsync(long userId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM projects WHERE created_by = @userId", new { userId });
    }
}
