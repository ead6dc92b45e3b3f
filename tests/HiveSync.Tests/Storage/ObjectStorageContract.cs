using System.Net;
using System.Text;
using HiveSync.Grains.Storage;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Storage;

/// <summary>
/// What every <see cref="IObjectStorage"/> backend does, proven the way a client and the server use it: a signed
/// request sent by a plain HTTP client, then the server's own reads. Each backend runs all of it (subclasses below).
/// </summary>
public abstract class ObjectStorageContract
{
    /// <summary>The backend, as a silo registered it from its settings.</summary>
    protected abstract IObjectStorage Storage { get; }

    /// <summary>The client's connection: relative (local folder) URLs go to the silo's address.</summary>
    protected abstract HttpClient Client { get; }

    [Fact]
    public async Task A_signed_upload_stores_exactly_the_bytes_sent()
    {
        var key = SignedRequestSending.NewKey();
        var body = Encoding.UTF8.GetBytes("%PDF-1.7 not really a PDF, but these exact bytes");

        var signed = await Storage.SignUploadAsync(key, "application/pdf", body.Length, DateTimeOffset.UtcNow.AddMinutes(10));
        using var response = await Client.SendSignedAsync(signed, body);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("PUT", signed.Method);
        Assert.Equal("application/pdf", signed.Headers["Content-Type"]);
        Assert.Equal(body.Length, (await Storage.FindAsync(key))?.Size);
        await using var stored = await Storage.OpenReadAsync(key);
        Assert.NotNull(stored);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        Assert.Equal(body, copy.ToArray());
    }

    [Fact]
    public async Task A_signed_download_answers_the_bytes_as_an_attachment_of_the_signed_name_and_type()
    {
        var key = SignedRequestSending.NewKey();
        var body = Encoding.UTF8.GetBytes("name,count\nbees,3\n");
        await Client.UploadAsync(Storage, key, body, "text/csv");

        var signed = await Storage.SignDownloadAsync(key, "Quarterly report \"final\" ü.csv", "text/csv", DateTimeOffset.UtcNow.AddMinutes(10));
        using var response = await Client.SendSignedAsync(signed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET", signed.Method);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.Equal("attachment", disposition?.DispositionType);
        Assert.Equal("Quarterly report \"final\" ü.csv", disposition?.FileNameStar);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_deleting_it_again_is_not_an_error()
    {
        var key = SignedRequestSending.NewKey();
        await Client.UploadAsync(Storage, key, [1, 2, 3]);

        await Storage.DeleteAsync(key);
        await Storage.DeleteAsync(key);

        Assert.Null(await Storage.FindAsync(key));
        Assert.Null(await Storage.OpenReadAsync(key));
    }

    [Fact]
    public async Task A_key_never_stored_is_found_nowhere_and_deletes_quietly()
    {
        var key = SignedRequestSending.NewKey();

        Assert.Null(await Storage.FindAsync(key));
        Assert.Null(await Storage.OpenReadAsync(key));
        await Storage.DeleteAsync(key);
    }

    [Fact]
    public async Task An_upload_to_a_key_already_stored_replaces_it()
    {
        var key = SignedRequestSending.NewKey();
        await Client.UploadAsync(Storage, key, [1, 2, 3]);

        await Client.UploadAsync(Storage, key, [4, 5]);

        Assert.Equal(2, (await Storage.FindAsync(key))?.Size);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("attachments/../../etc/passwd")]
    [InlineData("/absolute/key")]
    [InlineData("attachments\\12\\a")]
    [InlineData("attachments//a")]
    [InlineData("attachments/.hidden")]
    [InlineData("attachments/a b")]
    [InlineData("")]
    public async Task A_key_that_could_leave_the_storage_is_refused_before_anything_is_signed_or_read(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.SignUploadAsync(key, "text/plain", 1, DateTimeOffset.UtcNow.AddMinutes(1)));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.SignDownloadAsync(key, "a.txt", "text/plain", DateTimeOffset.UtcNow.AddMinutes(1)));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.FindAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.OpenReadAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.DeleteAsync(key));
    }
}

/// <summary>The local folder, its URLs served by a real silo over HTTP.</summary>
public sealed class LocalFolderStorageContractTests(LocalStorageSilo silo) : ObjectStorageContract, IClassFixture<LocalStorageSilo>
{
    protected override IObjectStorage Storage => silo.Storage;

    protected override HttpClient Client => silo.Http;
}

/// <summary>An S3 bucket on a real S3-compatible server (s3rver), the URLs presigned by the AWS SDK.</summary>
public sealed class S3StorageContractTests(S3StorageSilo silo) : ObjectStorageContract, IClassFixture<S3StorageSilo>
{
    protected override IObjectStorage Storage => silo.Storage;

    protected override HttpClient Client => silo.Http;

    [Fact]
    public async Task A_presigned_upload_signs_its_size_and_type_so_the_bucket_refuses_any_other()
    {
        var signed = await Storage.SignUploadAsync(SignedRequestSending.NewKey(), "image/png", 1234, DateTimeOffset.UtcNow.AddMinutes(10));

        var query = System.Web.HttpUtility.ParseQueryString(signed.Url.Query);
        Assert.Equal("content-length;content-type;host", query["X-Amz-SignedHeaders"]);
        Assert.Equal(Uri.UriSchemeHttp, signed.Url.Scheme); // the service URL's scheme, not the SDK's https default
        Assert.Equal("1234", signed.Headers["Content-Length"]);
    }

    [Fact]
    public async Task The_local_folder_routes_answer_404_in_the_envelope()
    {
        using var put = await silo.SendAsync(new TestRequest(HttpMethod.Put, "/api/v1/storage/objects/attachments/1/a?expires=1&size=1&type=text%2Fplain&signature=x") { Body = "a", ContentType = "text/plain" });
        using var get = await silo.Http.GetAsync("/api/v1/storage/objects/attachments/1/a?expires=1&name=a&type=text%2Fplain&signature=x");

        await put.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await get.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }
}
