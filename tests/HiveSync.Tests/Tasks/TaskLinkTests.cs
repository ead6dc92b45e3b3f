using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary><c>/tasks/{task_id}/attachments</c>: links to public https URLs, never to loopback, private or link-local hosts.</summary>
public sealed class TaskLinkTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private async Task<(SignedIn Owner, long ProjectId, long TaskId)> TaskAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        return (owner, projectId, (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id());
    }

    [Fact]
    public async Task Adding_an_https_link_answers_201_with_the_exact_attachment()
    {
        var (owner, projectId, taskId) = await TaskAsync();

        var link = await silo.AddLinkAsync(owner.AccessToken, projectId, taskId, "https://example.com/specs/v2?draft=1#intro", "The spec");

        Assert.True(link.Id() > 0);
        Assert.Equal("link", link["kind"]!.GetValue<string>());
        Assert.Equal("The spec", link["name"]!.GetValue<string>());
        Assert.Equal("https://example.com/specs/v2?draft=1#intro", link["url"]!.GetValue<string>());
        Assert.Equal(owner.UserId, link["created_by"]!.GetValue<long>());
        var created = AssertUtcTimestamp(link["created_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - created, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.Equal(1, await silo.CountAsync("SELECT count(*) FROM task_attachments WHERE task_id = @taskId AND kind = 'link'", new { taskId }));
    }

    [Fact]
    public async Task A_link_without_a_name_still_has_one()
    {
        var (owner, projectId, taskId) = await TaskAsync();

        var link = await silo.AddLinkAsync(owner.AccessToken, projectId, taskId, "https://docs.example.org/guide");

        Assert.False(string.IsNullOrWhiteSpace(link["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("https://8.8.8.8/dns")]
    [InlineData("https://[2606:4700:4700::1111]/")]
    [InlineData("https://sub.example.co.uk:8443/path")]
    public async Task Public_hosts_by_name_or_address_are_accepted(string url)
    {
        var (owner, projectId, taskId) = await TaskAsync();

        var link = await silo.AddLinkAsync(owner.AccessToken, projectId, taskId, url, "public");

        Assert.Equal("link", link["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_list_holds_the_tasks_links_and_delete_removes_one()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var otherTask = (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id();
        var first = await silo.AddLinkAsync(owner.AccessToken, projectId, taskId, "https://example.com/one", "one");
        var second = await silo.AddLinkAsync(owner.AccessToken, projectId, taskId, "https://example.com/two", "two");
        await silo.AddLinkAsync(owner.AccessToken, projectId, otherTask, "https://example.com/elsewhere", "elsewhere");

        var list = await silo.ListLinksAsync(owner.AccessToken, projectId, taskId);
        using (var deleted = await silo.DeleteAsync(owner.AccessToken, AttachmentPath(projectId, taskId, first.Id())))
        {
            await deleted.AssertNoContentAsync();
        }

        Assert.Equal([first.Id(), second.Id()], list.Ids().Order());
        Assert.Equal(2, list["total"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(first, list["items"]!.AsArray().Single(i => i!.Id() == first.Id())));
        Assert.Equal([second.Id()], (await silo.ListLinksAsync(owner.AccessToken, projectId, taskId)).Ids());
        Assert.Equal(0, await silo.CountAsync("SELECT count(*) FROM task_attachments WHERE id = @id", new { id = first.Id() }));
        using var again = await silo.DeleteAsync(owner.AccessToken, AttachmentPath(projectId, taskId, first.Id()));
        await again.AssertErrorAsync(HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND");
    }

    [Fact]
    public async Task A_link_of_another_task_is_404_ATTACHMENT_NOT_FOUND_and_stays()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var otherTask = (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id();
        var link = await silo.AddLinkAsync(owner.AccessToken, projectId, otherTask, "https://example.com/kept", "kept");

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.DeleteAsync(owner.AccessToken, AttachmentPath(projectId, taskId, link.Id()));
            await response.AssertErrorAsync(HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND");
            using var unknown = await silo.DeleteAsync(owner.AccessToken, AttachmentPath(projectId, taskId, 999_999_999));
            await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND");
        });
    }

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("ftp://example.com/file")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:pw@example.com/")]
    [InlineData("https://user@example.com/")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://127.1.2.3/")]
    [InlineData("https://10.0.0.1/")]
    [InlineData("https://172.16.0.1/")]
    [InlineData("https://192.168.1.1/")]
    [InlineData("https://169.254.169.254/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://[::1]/")]
    [InlineData("https://[fe80::1]/")]
    [InlineData("https://[fd00::1]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://localhost/")]
    [InlineData("https://LOCALHOST:8443/admin")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("example.com/page")]
    [InlineData("")]
    public async Task A_url_that_is_not_public_https_is_refused_naming_it_and_writes_nothing(string url)
    {
        var (owner, projectId, taskId) = await TaskAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.AddLinkResponseAsync(owner.AccessToken, projectId, taskId, url, "bad");
            await response.AssertValidationErrorAsync("url");
        });
    }

    [Fact]
    public async Task A_url_of_2048_characters_is_accepted_and_2049_refused()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        const string Prefix = "https://example.com/";

        await silo.AddLinkAsync(owner.AccessToken, projectId, taskId, Prefix + new string('a', 2048 - Prefix.Length), "long");
        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.AddLinkResponseAsync(owner.AccessToken, projectId, taskId, Prefix + new string('a', 2049 - Prefix.Length), "too long");
            await response.AssertValidationErrorAsync("url");
        });
    }

    [Theory]
    [InlineData("""{"name":"no url"}""", "url")]
    [InlineData("""{"url":null}""", "url")]
    [InlineData("""{"url":42}""", "url")]
    [InlineData("""{"url":"https://example.com/","kind":"upload"}""", "kind")]
    [InlineData("""{"url":"https://example.com/","storage_key":"a/b"}""", "storage_key")]
    [InlineData("""{"url":"https://example.com/","path":"/etc/passwd"}""", "path")]
    public async Task A_refused_link_body_names_the_field_and_writes_nothing(string body, string field)
    {
        var (owner, projectId, taskId) = await TaskAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.PostAsync(owner.AccessToken, AttachmentsPath(projectId, taskId), body);
            await response.AssertValidationErrorAsync(field);
        });
    }

    [Fact]
    public async Task Links_of_an_unknown_task_are_404_TASK_NOT_FOUND()
    {
        var (owner, projectId, _) = await TaskAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var list = await silo.GetAsync(AttachmentsPath(projectId, 999_999_999), owner.AccessToken);
            await list.AssertTaskNotFoundAsync();
            using var add = await silo.AddLinkResponseAsync(owner.AccessToken, projectId, 999_999_999, "https://example.com/");
            await add.AssertTaskNotFoundAsync();
        });
    }
}
