using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Grains.Interfaces.Storage;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Storage;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Storage;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary>A silo for the upload tests: a small free attachment size, a short allow-list with a wildcard, objects in a folder of its own.</summary>
public class UploadsSilo : TestSilo
{
    public const long FreeAttachmentBytes = 4096;

    public IObjectStorage Storage => Service<IObjectStorage>();

    /// <summary>None: the local folder every test silo has (<see cref="TestSilo.CommonSettings"/>).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> StorageSettings => [];

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Tiers:Free:Projects", "25"),
        new("Tiers:Free:MembersPerProject", "25"),
        new("Tiers:Free:AttachmentBytes", FreeAttachmentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Attachments:AllowedContentTypes:0", "image/*"),
        new("Attachments:AllowedContentTypes:1", "application/pdf"),
        new("Attachments:AllowedContentTypes:2", "text/plain"),
        .. StorageSettings,
    ];
}

/// <summary>The same, with objects in the bucket of a real S3-compatible server on loopback.</summary>
public sealed class UploadsS3Silo : UploadsSilo, IAsyncLifetime
{
    public S3TestServer S3 { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> StorageSettings => S3.Settings;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await S3.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await S3.DisposeAsync();
    }
}

/// <summary>Requests of the upload tests: announce, send the bytes as signed, complete, download; and where the object is.</summary>
public static class TaskUploadsTestKit
{
    public static readonly string[] UploadRequestKeys = ["url", "method", "headers", "expires_at"];

    public static string CompletePath(long projectId, long taskId, long attachmentId) => AttachmentPath(projectId, taskId, attachmentId) + "/complete";

    public static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static byte[] Bytes(int length, byte seed = 7) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed))];

    public static JsonObject UploadBody(string name, string contentType, long size, string? sha256 = null)
    {
        var body = new JsonObject { ["name"] = name, ["content_type"] = contentType, ["size"] = size };
        if (sha256 is not null)
        {
            body["sha256"] = sha256;
        }

        return body;
    }

    public static Task<HttpResponseMessage> AnnounceResponseAsync(this TestSilo silo, string token, long projectId, long taskId, JsonObject body) =>
        silo.PostAsync(token, AttachmentsPath(projectId, taskId), Json(body));

    /// <summary>Announces an upload (asserting 201, the exact shape and a pending upload with its signed request) and returns it.</summary>
    public static async Task<JsonNode> AnnounceAsync(this TestSilo silo, string token, long projectId, long taskId, string name, string contentType, byte[] bytes, string? sha256 = null)
    {
        using var response = await silo.AnnounceResponseAsync(token, projectId, taskId, UploadBody(name, contentType, bytes.Length, sha256));
        var data = AssertAttachment(await response.AssertOkJsonAsync(HttpStatusCode.Created));
        Assert.Equal("upload", data["kind"]!.GetValue<string>());
        Assert.Equal("pending", data["status"]!.GetValue<string>());
        AssertExactKeys(data["upload"], UploadRequestKeys);
        Assert.Null(data["download_url"]);
        return data;
    }

    /// <summary>Does what the announcement said: its method, URL and headers, exactly, with <paramref name="bytes"/>.</summary>
    public static async Task<HttpResponseMessage> SendUploadAsync(JsonNode attachment, byte[] bytes)
    {
        var upload = attachment["upload"]!;
        var headers = upload["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>());
        var signed = new SignedRequest(new Uri(upload["url"]!.GetValue<string>()), upload["method"]!.GetValue<string>(), headers, AssertUtcTimestamp(upload["expires_at"]));
        using var client = new HttpClient();
        return await client.SendSignedAsync(signed, bytes);
    }

    public static async Task UploadAsync(JsonNode attachment, byte[] bytes)
    {
        using var response = await SendUploadAsync(attachment, bytes);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static Task<HttpResponseMessage> CompleteResponseAsync(this TestSilo silo, string token, long projectId, long taskId, long attachmentId) =>
        silo.PostAsync(token, CompletePath(projectId, taskId, attachmentId));

    public static async Task<JsonNode> CompleteAsync(this TestSilo silo, string token, long projectId, long taskId, long attachmentId)
    {
        using var response = await silo.CompleteResponseAsync(token, projectId, taskId, attachmentId);
        return AssertAttachment(await response.AssertOkJsonAsync());
    }

    public static async Task<JsonNode> GetAttachmentAsync(this TestSilo silo, string token, long projectId, long taskId, long attachmentId)
    {
        using var response = await silo.GetAsync(AttachmentPath(projectId, taskId, attachmentId), token);
        return AssertAttachment(await response.AssertOkJsonAsync());
    }

    public static async Task<byte[]> DownloadAsync(JsonNode attachment)
    {
        using var client = new HttpClient();
        using var response = await client.GetAsync(attachment["download_url"]!.GetValue<string>());
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static JsonNode AssertAttachment(JsonNode body)
    {
        AssertExactKeys(body, "data");
        AssertExactKeys(body["data"], AttachmentKeys);
        return body["data"]!;
    }

    public static async Task<string> StorageKeyAsync(this TestSilo silo, long attachmentId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleAsync<string>("SELECT storage_key FROM task_attachments WHERE id = @attachmentId", new { attachmentId });
    }

    /// <summary>Applies due object deletions now (rather than at the next reminder tick) until <paramref name="key"/> is gone.</summary>
    public static async Task AssertObjectDeletedAsync(this UploadsSilo silo, string key)
    {
        var deletions = silo.Service<IGrainFactory>().GetGrain<IObjectDeletionRetryGrain>(0);
        Assert.True(
            await Eventually.HoldsAsync(async () =>
            {
                await deletions.RetryDue();
                return await silo.Storage.FindAsync(key) is null;
            }),
            $"{key} is still stored");
    }

    public static Task<int> SweepAsync(this TestSilo silo) => silo.Service<IGrainFactory>().GetGrain<IUploadSweepGrain>(0).Sweep();
}
