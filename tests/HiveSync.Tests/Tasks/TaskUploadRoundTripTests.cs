using System.Net;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Storage;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;
using static HiveSync.Tests.Tasks.TaskUploadsTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>
/// The two-step upload through HTTP as a client makes it, on each storage backend: announce, send the bytes exactly as
/// signed, complete, download. A file that is not the one announced is refused and deleted.
/// </summary>
public abstract class TaskUploadRoundTripTests<TSilo>(TSilo silo)
    where TSilo : UploadsSilo
{
    private async Task<(SignedIn Owner, long ProjectId, long TaskId)> TaskAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        return (owner, projectId, (await silo.CreateTaskAsync(owner.AccessToken, projectId)).Id());
    }

    [Fact]
    public async Task An_upload_sent_as_signed_and_completed_is_ready_and_downloads_the_same_bytes()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var bytes = Bytes(1500);

        var pending = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "report 2025.pdf", "application/pdf", bytes, Sha256Of(bytes).ToUpperInvariant());
        Assert.Equal(Sha256Of(bytes), pending["sha256"]!.GetValue<string>());
        Assert.Equal(1500, pending["size"]!.GetValue<long>());
        Assert.Equal("PUT", pending["upload"]!["method"]!.GetValue<string>());
        Assert.Equal("application/pdf", pending["upload"]!["headers"]!["Content-Type"]!.GetValue<string>());
        Assert.Equal("1500", pending["upload"]!["headers"]!["Content-Length"]!.GetValue<string>());
        var expires = AuthTestKit.AssertUtcTimestamp(pending["upload"]!["expires_at"]);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(13), TimeSpan.FromMinutes(16));
        Assert.StartsWith($"attachments/{Text(projectId)}/{Text(taskId)}/", await silo.StorageKeyAsync(pending.Id()), StringComparison.Ordinal);

        await UploadAsync(pending, bytes);
        var ready = await silo.CompleteAsync(owner.AccessToken, projectId, taskId, pending.Id());

        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.Null(ready["upload"]);
        AuthTestKit.AssertUtcTimestamp(ready["completed_at"]);
        var shown = await silo.GetAttachmentAsync(owner.AccessToken, projectId, taskId, pending.Id());
        Assert.Equal("ready", shown["status"]!.GetValue<string>());
        Assert.Equal("report 2025.pdf", shown["name"]!.GetValue<string>());
        Assert.Equal(bytes, await DownloadAsync(shown));
        Assert.Equal(bytes, await DownloadAsync(ready));

        // Completing again changes nothing.
        var again = await silo.CompleteAsync(owner.AccessToken, projectId, taskId, pending.Id());
        Assert.Equal(ready["completed_at"]!.GetValue<string>(), again["completed_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_file_of_another_size_is_refused_with_409_deleted_and_the_upload_stays_pending()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var pending = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "notes.txt", "text/plain", Bytes(100));
        var key = await silo.StorageKeyAsync(pending.Id());

        // Another size than the one announced, at the same key: as if the storage had let it through.
        using (var client = new HttpClient { BaseAddress = silo.BaseAddress })
        {
            await client.UploadAsync(silo.Storage, key, Bytes(103), "text/plain");
        }

        using var response = await silo.CompleteResponseAsync(owner.AccessToken, projectId, taskId, pending.Id());
        var error = await response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");

        Assert.Equal("size_mismatch", error["details"]!["reason"]!.GetValue<string>());
        Assert.Equal(100, error["details"]!["expected_size"]!.GetValue<long>());
        Assert.Equal(103, error["details"]!["actual_size"]!.GetValue<long>());
        Assert.Equal("pending", error["details"]!["status"]!.GetValue<string>());
        Assert.Null(await silo.Storage.FindAsync(key));
        Assert.Equal("pending", (await silo.GetAttachmentAsync(owner.AccessToken, projectId, taskId, pending.Id()))["status"]!.GetValue<string>());

        // The URL still works: the right file, then complete.
        await UploadAsync(pending, Bytes(100));
        Assert.Equal("ready", (await silo.CompleteAsync(owner.AccessToken, projectId, taskId, pending.Id()))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_file_whose_sha256_differs_is_refused_with_409_and_deleted()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var announced = Bytes(256, seed: 1);
        var pending = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "photo.png", "image/png", announced, Sha256Of(announced));
        var key = await silo.StorageKeyAsync(pending.Id());
        var other = Bytes(256, seed: 2);

        await UploadAsync(pending, other);
        using var response = await silo.CompleteResponseAsync(owner.AccessToken, projectId, taskId, pending.Id());
        var error = await response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");

        Assert.Equal("sha256_mismatch", error["details"]!["reason"]!.GetValue<string>());
        Assert.Equal(Sha256Of(announced), error["details"]!["expected_sha256"]!.GetValue<string>());
        Assert.Equal(Sha256Of(other), error["details"]!["actual_sha256"]!.GetValue<string>());
        Assert.Null(await silo.Storage.FindAsync(key));
    }

    [Fact]
    public async Task Deleting_an_upload_deletes_its_object()
    {
        var (owner, projectId, taskId) = await TaskAsync();
        var bytes = Bytes(64);
        var pending = await silo.AnnounceAsync(owner.AccessToken, projectId, taskId, "a.txt", "text/plain", bytes);
        var key = await silo.StorageKeyAsync(pending.Id());
        await UploadAsync(pending, bytes);
        await silo.CompleteAsync(owner.AccessToken, projectId, taskId, pending.Id());

        using (var deleted = await silo.DeleteAsync(owner.AccessToken, AttachmentPath(projectId, taskId, pending.Id())))
        {
            await deleted.AssertNoContentAsync();
        }

        await silo.AssertObjectDeletedAsync(key);
    }
}

public sealed class LocalTaskUploadRoundTripTests(UploadsSilo silo) : TaskUploadRoundTripTests<UploadsSilo>(silo), IClassFixture<UploadsSilo>;

public sealed class S3TaskUploadRoundTripTests(UploadsS3Silo silo) : TaskUploadRoundTripTests<UploadsS3Silo>(silo), IClassFixture<UploadsS3Silo>;
