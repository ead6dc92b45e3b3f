using System.Net;
using System.Text.RegularExpressions;
using HiveSync.Grains.Storage;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Storage;

/// <summary>The local folder's signed routes through the whole HTTP pipeline: only what was signed is accepted, and a refused upload leaves nothing behind.</summary>
public sealed partial class LocalStorageHttpTests(LocalStorageSilo silo) : IClassFixture<LocalStorageSilo>
{
    private static readonly byte[] Body = [.. Enumerable.Range(0, 1000).Select(i => (byte)i)];

    private IObjectStorage Storage => silo.Storage;

    [Fact]
    public async Task An_upload_url_with_a_changed_signature_size_type_or_key_is_refused()
    {
        var key = SignedRequestSending.NewKey();
        var signed = await SignUploadAsync(key);
        var url = signed.Url.ToString();
        string[] forgeries =
        [
            Signature().Replace(url, m => "signature=" + (m.Groups[1].Value[0] == 'A' ? 'B' : 'A') + m.Groups[1].Value[1..]),
            url.Replace("size=1000", "size=999", StringComparison.Ordinal),
            url.Replace("type=application%2Fpdf", "type=text%2Fhtml", StringComparison.Ordinal),
            url.Replace(key, SignedRequestSending.NewKey(), StringComparison.Ordinal),
            Signature().Replace(url, ""),
        ];

        foreach (var forged in forgeries)
        {
            Assert.NotEqual(url, forged);
            using var response = await silo.SendAsync(new TestRequest(HttpMethod.Put, forged) { BodyBytes = Body[..999], ContentType = "text/html" });
            await response.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        }

        await AssertNothingStoredAsync(key);
    }

    [Fact]
    public async Task An_expired_upload_url_is_refused()
    {
        var key = SignedRequestSending.NewKey();
        var signed = await Storage.SignUploadAsync(key, "application/pdf", Body.Length, DateTimeOffset.UtcNow.AddSeconds(-1));

        using var response = await silo.Http.SendSignedAsync(signed, Body);

        var error = await response.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        Assert.Contains("expired", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(key);
    }

    [Fact]
    public async Task An_upload_of_another_content_type_than_signed_is_refused()
    {
        var key = SignedRequestSending.NewKey();
        var signed = await SignUploadAsync(key);

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Put, signed.Url.ToString()) { BodyBytes = Body, ContentType = "text/html" });

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        await AssertNothingStoredAsync(key);
    }

    [Theory]
    [InlineData(1001, false, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE")]
    [InlineData(999, false, HttpStatusCode.BadRequest, "VALIDATION_ERROR")]
    [InlineData(1001, true, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE")]
    [InlineData(999, true, HttpStatusCode.BadRequest, "VALIDATION_ERROR")]
    [InlineData(500, true, HttpStatusCode.BadRequest, "VALIDATION_ERROR")]
    [InlineData(1, true, HttpStatusCode.BadRequest, "VALIDATION_ERROR")]
    [InlineData(200_000, true, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE")]
    public async Task A_body_longer_or_shorter_than_signed_is_refused_and_leaves_nothing(int length, bool chunked, HttpStatusCode status, string code)
    {
        var key = SignedRequestSending.NewKey();
        var signed = await SignUploadAsync(key);

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Put, signed.Url.ToString())
        {
            BodyBytes = new byte[length],
            ContentType = "application/pdf",
            Chunked = chunked,
        });

        await response.AssertErrorAsync(status, code);
        await AssertNothingStoredAsync(key);
    }

    [Fact]
    public async Task An_upload_larger_than_the_api_body_limit_is_taken_when_signed_for_its_size()
    {
        var key = SignedRequestSending.NewKey();
        var large = new byte[(5 * 1024 * 1024) + 7]; // Api:MaxRequestBodyBytes is 1 MiB
        Random.Shared.NextBytes(large);

        await silo.Http.UploadAsync(Storage, key, large, "application/zip");

        Assert.Equal(large.Length, (await Storage.FindAsync(key))?.Size);
    }

    [Fact]
    public async Task A_download_url_with_a_changed_name_or_type_is_refused()
    {
        var key = SignedRequestSending.NewKey();
        await silo.Http.UploadAsync(Storage, key, Body);
        var url = (await Storage.SignDownloadAsync(key, "report.pdf", "application/pdf", DateTimeOffset.UtcNow.AddMinutes(10))).Url.ToString();

        using var renamed = await silo.Http.GetAsync(url.Replace("name=report.pdf", "name=report.html", StringComparison.Ordinal));
        using var retyped = await silo.Http.GetAsync(url.Replace("type=application%2Fpdf", "type=text%2Fhtml", StringComparison.Ordinal));

        await renamed.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
        await retyped.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
    }

    [Fact]
    public async Task A_download_is_never_sniffed_nor_cached_and_an_expired_one_is_refused()
    {
        var key = SignedRequestSending.NewKey();
        await silo.Http.UploadAsync(Storage, key, Body);

        using var fresh = await silo.Http.SendSignedAsync(await Storage.SignDownloadAsync(key, "a.pdf", "application/pdf", DateTimeOffset.UtcNow.AddMinutes(10)));
        using var expired = await silo.Http.SendSignedAsync(await Storage.SignDownloadAsync(key, "a.pdf", "application/pdf", DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("nosniff", fresh.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(fresh.Headers.CacheControl is { Private: true, NoStore: true }, fresh.Headers.CacheControl?.ToString());
        await expired.AssertErrorAsync(HttpStatusCode.Forbidden, "AUTH_FORBIDDEN");
    }

    [Fact]
    public async Task A_download_of_a_deleted_object_answers_404()
    {
        var key = SignedRequestSending.NewKey();
        await silo.Http.UploadAsync(Storage, key, Body);
        var signed = await Storage.SignDownloadAsync(key, "a.pdf", "application/pdf", DateTimeOffset.UtcNow.AddMinutes(10));
        await Storage.DeleteAsync(key);

        using var response = await silo.Http.SendSignedAsync(signed);

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Urls_are_relative_to_the_api_without_a_public_base_url()
    {
        var signed = await SignUploadAsync(SignedRequestSending.NewKey());

        Assert.False(signed.Url.IsAbsoluteUri);
        Assert.StartsWith("/api/v1/storage/objects/attachments/", signed.Url.OriginalString, StringComparison.Ordinal);
    }

    private Task<SignedRequest> SignUploadAsync(string key) =>
        Storage.SignUploadAsync(key, "application/pdf", Body.Length, DateTimeOffset.UtcNow.AddMinutes(10));

    private async Task AssertNothingStoredAsync(string key)
    {
        Assert.Null(await Storage.FindAsync(key));
        var folder = Path.Combine(silo.Folder, "objects", Path.GetDirectoryName(key)!);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder).Select(Path.GetFileName) : [];
        Assert.DoesNotContain(files, f => f!.Contains(Path.GetFileName(key), StringComparison.Ordinal)); // nor half an upload
    }

    [GeneratedRegex("signature=([^&]+)")]
    private static partial Regex Signature();
}
