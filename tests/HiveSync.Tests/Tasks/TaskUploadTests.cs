using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Grains.Tasks;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;
using static HiveSync.Tests.Tasks.TaskUploadsTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>
/// Uploads' rules, access and clean-up, on the local folder: what may be announced, who may do what, what completing
/// answers when the file is missing, and that every way an upload goes (its deletion, its task's, its project's, the
/// sweep of those never completed) deletes its object.
/// </summary>
public sealed class TaskUploadTests(UploadsSilo silo) : IClassFixture<UploadsSilo>
{
    private async Task<(SignedIn Owner, long ProjectId, long TaskId)> TaskAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        return (owner, projectId, (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id());
    }

    private async Task<(JsonNode Attachment, string Key)> ReadyUploadAsync(string token, long projectId, long taskId)
    {
        var bytes = Bytes(300);
        var pending = await silo.AnnounceAsync(token, projectId, taskId, "ready.pdf", "application/pdf", bytes);
        await UploadAsync(pending, bytes);
        return (await silo.CompleteAsync(token, projectId, taskId, pending.Id()), await silo.StorageKeyAsync(pending.Id()));
    }

    [Fact]
    public async Task A_file_larger_than_the_creators_tier_allows_is_403_TIER_LIMIT_EXCEEDED()
    {
        var (owner, projectId, taskId) = await TaskAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.AnnounceResponseAsync(owner.AccessToken, projectId, taskId, UploadBody("big.pdf", "application/pdf", UploadsSilo.FreeAttachmentBytes + 1));
            var error = await response.AssertErrorAsync(HttpStatusCode.Forbidden, "TIER_LIMIT_EXCEEDED");
            Assert.Equal("attachment_bytes", error["details"]!["limit"]!.GetValue<string>());
            Assert.Equal(UploadsSilo.FreeAttachmentBytes, error["details"]!["max"]!.GetValue<long>());
            Assert.Equal(UploadsSilo.FreeAttachmentBytes + 1, error["details"]!["current"]!.GetValue<long>());
            Assert.Equal("free", error["details"]!["tier"]!.GetValue<string>());
            Assert.Equal("pro", error["details"]!["upgrade_to"]!.GetValue<string>());
        });

        await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "fits.pdf", "application/pdf", Bytes((int)UploadsSilo.FreeAttachmentBytes));
    }

    [Theory]
    [InlineData("application/zip")]
    [InlineData("application/x-msdownload")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("pdf")]
    public async Task A_content_type_not_allowed_is_400_naming_content_type(string contentType)
    {
        var (owner, projectId, taskId) = await TaskAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.AnnounceResponseAsync(owner.AccessToken, projectId, taskId, UploadBody("file.bin", contentType, 10));
            await response.AssertValidationErrorAsync("content_type");
        });
    }

    [Fact]
    public async Task A_wildcard_in_the_allow_list_covers_its_subtypes_and_types_are_lower_cased()
    {
        var (owner, projectId, taskId) = await TaskAsync();

        var upload = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "scan.tiff", "Image/TIFF", Bytes(10));

        Assert.Equal("image/tiff", upload["content_type"]!.GetValue<string>());
        Assert.Equal("image/tiff", upload["upload"]!["headers"]!["Content-Type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"url":"https://example.com/","content_type":"text/plain","size":3}""", new[] { "url", "content_type", "size" })]
    [InlineData("""{"url":"https://example.com/","sha256":"00"}""", new[] { "url", "sha256" })]
    [InlineData("""{"name":"only a name"}""", new[] { "url", "content_type", "size" })]
    [InlineData("""{"name":"a/b.txt","content_type":"text/plain","size":3}""", new[] { "name" })]
    [InlineData("""{"name":"..","content_type":"text/plain","size":3}""", new[] { "name" })]
    [InlineData("""{"name":"tab\there.txt","content_type":"text/plain","size":3}""", new[] { "name" })]
    [InlineData("""{"content_type":"text/plain","size":3}""", new[] { "name" })]
    [InlineData("""{"name":"a.txt","content_type":"text/plain","size":0}""", new[] { "size" })]
    [InlineData("""{"name":"a.txt","content_type":"text/plain"}""", new[] { "size" })]
    [InlineData("""{"name":"a.txt","size":3}""", new[] { "content_type" })]
    [InlineData("""{"name":"a.txt","content_type":"text/plain","size":3,"sha256":"xyz"}""", new[] { "sha256" })]
    [InlineData("""{"name":"a.txt","content_type":"text/plain","size":3,"storage_key":"attachments/1/2/3"}""", new[] { "storage_key" })]
    public async Task A_refused_upload_body_names_its_fields_and_writes_nothing(string body, string[] fields)
    {
        var (owner, projectId, taskId) = await TaskAsync();

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var response = await silo.PostAsync(owner.AccessToken, AttachmentsPath(projectId, taskId), body);
            await response.AssertValidationErrorAsync(fields);
        });
    }

    [Fact]
    public async Task A_name_of_255_characters_is_a_file_name_and_256_is_not()
    {
        var (owner, projectId, taskId) = await TaskAsync();

        await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, new string('n', 251) + ".txt", "text/plain", Bytes(3));
        using var response = await silo.AnnounceResponseAsync(owner.AccessToken, projectId, taskId, UploadBody(new string('n', 252) + ".txt", "text/plain", 3));
        await response.AssertValidationErrorAsync("name");
    }

    [Fact]
    public async Task Completing_before_anything_is_uploaded_is_409_and_the_upload_stays_pending()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var pending = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "later.txt", "text/plain", Bytes(5));

        using var response = await silo.CompleteResponseAsync(owner.AccessToken, projectId, taskId, pending.Id());
        var error = await response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");

        Assert.Equal("not_uploaded", error["details"]!["reason"]!.GetValue<string>());
        Assert.Equal("pending", error["details"]!["status"]!.GetValue<string>());
        AssertUtcTimestamp(error["details"]!["upload_expires_at"]);
        Assert.Equal("pending", (await silo.GetAttachmentAsync(owner.AccessToken, projectId, taskId, pending.Id()))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Completing_after_the_url_expired_with_nothing_uploaded_is_409_and_removes_the_upload()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var pending = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "never.txt", "text/plain", Bytes(5));
        await ExpireAsync(pending.Id());

        using var response = await silo.CompleteResponseAsync(owner.AccessToken, projectId, taskId, pending.Id());
        var error = await response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");

        Assert.Equal("not_uploaded", error["details"]!["reason"]!.GetValue<string>());
        Assert.Equal("removed", error["details"]!["status"]!.GetValue<string>());
        using var gone = await silo.GetAsync(AttachmentPath(projectId, taskId, pending.Id()), owner.AccessToken);
        await gone.AssertErrorAsync(HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND");
    }

    [Fact]
    public async Task The_list_shows_links_and_uploads_with_their_status_and_downloads_only_for_ready_ones()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var link = await silo.AddLinkAsync(owner.AccessToken, projectId, taskId, "https://example.com/spec", "Spec");
        var (ready, _) = await ReadyUploadAsync(owner.AccessToken, projectId, taskId);
        var pending = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "pending.txt", "text/plain", Bytes(5));

        var items = (await silo.ListLinksAsync(owner.AccessToken, projectId, taskId))["items"]!.AsArray();

        Assert.Equal([link.Id(), ready.Id(), pending.Id()], items.Select(i => i!.Id()));
        Assert.Equal(["link", "upload", "upload"], items.Select(i => i!["kind"]!.GetValue<string>()));
        Assert.Equal(["ready", "ready", "pending"], items.Select(i => i!["status"]!.GetValue<string>()));
        Assert.Null(items[0]!["download_url"]);
        Assert.NotNull(items[1]!["download_url"]);
        AssertUtcTimestamp(items[1]!["download_expires_at"]);
        Assert.Null(items[2]!["download_url"]);
        Assert.All(items, i => Assert.Null(i!["upload"]));
    }

    [Fact]
    public async Task A_viewer_may_read_uploads_but_not_announce_complete_or_delete_them()
    {
        var team = await silo.CreateTeamAsync();
        var taskId = (await silo.CreateTaskAsync(team.Owner.AccessToken, team.ProjectId)).Id();
        var (ready, key) = await ReadyUploadAsync(team.Member.AccessToken, team.ProjectId, taskId);
        var viewer = team.Viewer.AccessToken;

        var shown = await silo.GetAttachmentAsync(viewer, team.ProjectId, taskId, ready.Id());
        Assert.Equal(Bytes(300), await DownloadAsync(shown));

        await silo.AssertTasksUnchangedAsync(async () =>
        {
            using var announce = await silo.AnnounceResponseAsync(viewer, team.ProjectId, taskId, UploadBody("v.txt", "text/plain", 3));
            await announce.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
            using var complete = await silo.CompleteResponseAsync(viewer, team.ProjectId, taskId, ready.Id());
            await complete.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
            using var delete = await silo.DeleteAsync(viewer, AttachmentPath(team.ProjectId, taskId, ready.Id()));
            await delete.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        });
        Assert.NotNull(await silo.Storage.FindAsync(key));
    }

    [Fact]
    public async Task A_stranger_gets_404_PROJECT_NOT_FOUND_for_every_upload_route()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var (ready, _) = await ReadyUploadAsync(owner.AccessToken, projectId, taskId);
        var stranger = (await silo.RegisterAsync()).AccessToken;

        using var get = await silo.GetAsync(AttachmentPath(projectId, taskId, ready.Id()), stranger);
        await get.AssertErrorAsync(HttpStatusCode.NotFound, "PROJECT_NOT_FOUND");
        using var announce = await silo.AnnounceResponseAsync(stranger, projectId, taskId, UploadBody("s.txt", "text/plain", 3));
        await announce.AssertErrorAsync(HttpStatusCode.NotFound, "PROJECT_NOT_FOUND");
        using var complete = await silo.CompleteResponseAsync(stranger, projectId, taskId, ready.Id());
        await complete.AssertErrorAsync(HttpStatusCode.NotFound, "PROJECT_NOT_FOUND");
    }

    [Fact]
    public async Task Another_tasks_attachment_id_is_404_ATTACHMENT_NOT_FOUND()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var otherTaskId = (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id();
        var (ready, key) = await ReadyUploadAsync(owner.AccessToken, projectId, taskId);

        using var get = await silo.GetAsync(AttachmentPath(projectId, otherTaskId, ready.Id()), owner.AccessToken);
        await get.AssertErrorAsync(HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND");
        using var complete = await silo.CompleteResponseAsync(owner.AccessToken, projectId, otherTaskId, ready.Id());
        await complete.AssertErrorAsync(HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND");
        using var delete = await silo.DeleteAsync(owner.AccessToken, AttachmentPath(projectId, otherTaskId, ready.Id()));
        await delete.AssertErrorAsync(HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND");
        Assert.NotNull(await silo.Storage.FindAsync(key));
    }

    [Fact]
    public async Task Deleting_the_task_deletes_the_objects_of_its_uploads()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var (_, key) = await ReadyUploadAsync(owner.AccessToken, projectId, taskId);

        await silo.DeleteTaskAsync(owner.AccessToken, projectId, taskId);

        await silo.AssertObjectDeletedAsync(key);
    }

    [Fact]
    public async Task Deleting_the_project_deletes_the_objects_of_its_uploads()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var (_, first) = await ReadyUploadAsync(owner.AccessToken, projectId, taskId);
        var (_, second) = await ReadyUploadAsync(owner.AccessToken, projectId, (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id());

        using (var deleted = await silo.DeleteAsync(owner.AccessToken, ProjectPath(projectId)))
        {
            await deleted.AssertNoContentAsync();
        }

        await silo.AssertObjectDeletedAsync(first);
        await silo.AssertObjectDeletedAsync(second);
    }

    [Fact]
    public async Task An_upload_never_completed_is_swept_with_its_object_once_its_url_expired()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var bytes = Bytes(40);
        var stale = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "stale.txt", "text/plain", bytes);
        var fresh = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "fresh.txt", "text/plain", bytes);
        await UploadAsync(stale, bytes);
        var key = await silo.StorageKeyAsync(stale.Id());
        await ExpireAsync(stale.Id());

        Assert.True(await silo.SweepAsync() >= 1);

        Assert.Equal(0, await silo.CountAsync("SELECT count(*) FROM task_attachments WHERE id = @id", new { id = stale.Id() }));
        Assert.Equal(1, await silo.CountAsync("SELECT count(*) FROM task_attachments WHERE id = @id", new { id = fresh.Id() }));
        await silo.AssertObjectDeletedAsync(key);
    }

    [Fact]
    public void The_default_allow_list_is_valid_settings()
    {
        Assert.Empty(AttachmentOptions.Problems(new AttachmentOptions()));
        Assert.NotEmpty(AttachmentOptions.Problems(new AttachmentOptions { AllowedContentTypes = ["*/*"] }));
    }

    /// <summary>Moves the upload's URL expiry (and so its sweep) into the past.</summary>
    private async Task ExpireAsync(long attachmentId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        await db.ExecuteAsync("UPDATE task_attachments SET upload_expires_at = now() - interval '10 minutes' WHERE id = @attachmentId", new { attachmentId });
    }
}
