using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using HiveSync.Grains.Storage;
using HiveSync.WebApi.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HiveSync.Tests.Storage;

/// <summary>The local folder's signing key and URLs, without a silo: silos sharing a folder agree on the key.</summary>
public sealed class LocalSigningKeyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hivesync-test-storage-key-").FullName;

    [Fact]
    public async Task Silos_starting_together_on_one_folder_make_one_key_and_accept_each_others_urls()
    {
        // A race: repeated so that losing it would show (a rename-based version lost about once in 300 rounds).
        for (var round = 0; round < 200; round++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(_folder, round.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
            var storages = Enumerable.Range(0, 8).Select(_ => Storage(new LocalFolderSettings { Directory = folder })).ToList();

            // Each makes its key at first use, all at once: one file wins and every one of them reads it.
            var signed = await Task.WhenAll(storages.Select(s => Task.Run(() => s.SignUploadAsync("attachments/1/a", "text/plain", 3, DateTimeOffset.UtcNow.AddMinutes(5)))));

            Assert.Equal([LocalSigningKeyFile.FileName], Directory.GetFiles(folder).Select(Path.GetFileName));
            foreach (var (storage, request) in storages.Zip(signed.Reverse()))
            {
                storage.VerifyUpload("attachments/1/a", request.ExpiresAt.ToUnixTimeSeconds(), 3, "text/plain", Query(request.Url, "signature"));
            }
        }
    }

    [Fact]
    public async Task A_configured_key_signs_instead_of_a_key_file_and_a_public_base_url_makes_urls_absolute()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var storage = Storage(new LocalFolderSettings { Directory = _folder, SigningKey = key, PublicBaseUrl = "https://api.hivesync.example/" });

        var signed = await storage.SignDownloadAsync("exports/7/b.zip", "b.zip", "application/zip", DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Empty(Directory.GetFiles(_folder));
        Assert.StartsWith("https://api.hivesync.example/api/v1/storage/objects/exports/7/b.zip?", signed.Url.ToString(), StringComparison.Ordinal);
        Storage(new LocalFolderSettings { Directory = Directory.CreateTempSubdirectory().FullName, SigningKey = key })
            .VerifyDownload("exports/7/b.zip", signed.ExpiresAt.ToUnixTimeSeconds(), "b.zip", "application/zip", Query(signed.Url, "signature"));
        var other = Storage(new LocalFolderSettings { Directory = _folder, SigningKey = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray()) });
        Assert.Throws<DomainException>(() => other.VerifyDownload("exports/7/b.zip", signed.ExpiresAt.ToUnixTimeSeconds(), "b.zip", "application/zip", Query(signed.Url, "signature")));
    }

    [Fact]
    public void A_relative_url_is_completed_from_the_request_and_an_absolute_one_kept()
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("api.hivesync.example:8443");

        Assert.Equal("https://api.hivesync.example:8443/api/v1/storage/objects/a/b?x=1", SignedRequests.Absolute(http.Request, new Uri("/api/v1/storage/objects/a/b?x=1", UriKind.Relative)).ToString());
        Assert.Equal("https://bucket.example/a?x=1", SignedRequests.Absolute(http.Request, new Uri("https://bucket.example/a?x=1")).ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LocalFolderObjectStorage Storage(LocalFolderSettings? local = null) =>
        new(Options.Create(new StorageOptions { Local = local ?? new LocalFolderSettings { Directory = _folder } }), DomainClock.System);

    private static string? Query(Uri url, string name) =>
        System.Web.HttpUtility.ParseQueryString(url.IsAbsoluteUri ? url.Query : url.OriginalString[url.OriginalString.IndexOf('?', StringComparison.Ordinal)..])[name];
}
