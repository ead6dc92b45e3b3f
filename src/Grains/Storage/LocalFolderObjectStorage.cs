using System.Buffers;
using System.Globalization;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Storage;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Storage;

/// <summary>
/// Objects as files under <c>{Storage:Local:Directory}/objects/{key}</c>, reached by the client through the API's
/// signed routes (<see cref="ILocalObjectFolder.UrlPath"/>): <c>?expires=&amp;size=&amp;type=&amp;signature=</c> for a PUT,
/// <c>?expires=&amp;name=&amp;type=&amp;signature=</c> for a GET (<see cref="LocalObjectSignatures"/>).
/// </summary>
public sealed class LocalFolderObjectStorage : IObjectStorage, ILocalObjectFolder
{
    private const string Put = "PUT";
    private const string Get = "GET";

    private readonly string _objects;
    private readonly string _urlBase;
    private readonly Lazy<LocalObjectSignatures> _signatures;
    private readonly DomainClock _clock;

    public LocalFolderObjectStorage(IOptions<StorageOptions> options, DomainClock clock)
    {
        var local = options.Value.Local;
        var root = Path.GetFullPath(local.DirectoryOrDefault);
        _objects = Path.Combine(root, "objects");
        _urlBase = (local.PublicBaseUrl ?? "").TrimEnd('/') + ILocalObjectFolder.UrlPath;
        _clock = clock;

        // On first use, not at start-up: a silo that never stores a file never touches the folder.
        _signatures = new(() => new LocalObjectSignatures(
            string.IsNullOrEmpty(local.SigningKey) ? LocalSigningKeyFile.LoadOrCreate(root) : LocalObjectSignatures.DecodeKey(local.SigningKey)!));
    }

    public Task<SignedRequest> SignUploadAsync(string key, string contentType, long size, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var expires = expiresAt.ToUnixTimeSeconds();
        var parameters = UploadParameters(expires, size, contentType);
        var headers = new Dictionary<string, string> { ["Content-Type"] = contentType, ["Content-Length"] = Text(size) };
        return Task.FromResult(new SignedRequest(Url(key, parameters, _signatures.Value.Sign(Put, key, parameters)), Put, headers, DateTimeOffset.FromUnixTimeSeconds(expires)));
    }

    public Task<SignedRequest> SignDownloadAsync(string key, string fileName, string contentType, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var expires = expiresAt.ToUnixTimeSeconds();
        var parameters = DownloadParameters(expires, fileName, contentType);
        return Task.FromResult(new SignedRequest(Url(key, parameters, _signatures.Value.Sign(Get, key, parameters)), Get, new Dictionary<string, string>(), DateTimeOffset.FromUnixTimeSeconds(expires)));
    }

    public void VerifyUpload(string key, long expires, long size, string contentType, string? signature) =>
        Verify(Put, key, expires, signature, UploadParameters(expires, size, contentType), "upload");

    public void VerifyDownload(string key, long expires, string fileName, string contentType, string? signature) =>
        Verify(Get, key, expires, signature, DownloadParameters(expires, fileName, contentType), "download");

    public async Task SaveAsync(string key, Stream body, long size, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);

        // Beside its final place (one file system, so the move is atomic) and hidden from keys by its leading dot.
        var aside = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var file = new FileStream(aside, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                var copied = await CopyAtMostAsync(body, file, size + 1, cancellationToken);
                if (copied > size)
                {
                    throw new DomainException(ErrorCodes.PayloadTooLarge, $"The body is longer than the {size} bytes this URL was signed for.", new { max_bytes = size });
                }

                if (copied < size)
                {
                    throw DomainException.Validation("body", $"The body has {copied} bytes; this URL was signed for {size}.");
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(aside, path, overwrite: true);
        }
        finally
        {
            File.Delete(aside); // nothing there after the move
        }
    }

    public Task<StoredObject?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new StoredObject(file.Length, null) : null);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            // FileShare.Delete: a new upload of the key may replace the file while it is being read; this reader keeps the old one.
            return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Never stored: already gone.
        }

        return Task.CompletedTask;
    }

    private void Verify(string method, string key, long expires, string? signature, (string Name, string Value)[] parameters, string what)
    {
        if (!ObjectKeys.IsValid(key) || !_signatures.Value.IsValid(signature, method, key, parameters))
        {
            throw new DomainException(ErrorCodes.AuthForbidden, $"This {what} URL's signature is not valid: ask the API for a new URL.");
        }

        if (new DateTimeOffset(_clock.UtcNow).ToUnixTimeSeconds() > expires)
        {
            throw new DomainException(ErrorCodes.AuthForbidden, $"This {what} URL expired at {DateTimeOffset.FromUnixTimeSeconds(expires):u}: ask the API for a new URL.");
        }
    }

    private static (string Name, string Value)[] UploadParameters(long expires, long size, string contentType) =>
        [("expires", Text(expires)), ("size", Text(size)), ("type", contentType)];

    private static (string Name, string Value)[] DownloadParameters(long expires, string fileName, string contentType) =>
        [("expires", Text(expires)), ("name", fileName), ("type", contentType)];

    private Uri Url(string key, (string Name, string Value)[] parameters, string signature)
    {
        var query = string.Join('&', parameters.Append((Name: "signature", Value: signature)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
        return new Uri($"{_urlBase}/{key}?{query}", UriKind.RelativeOrAbsolute); // a key's characters need no escaping
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_objects, ObjectKeys.Validate(key)));
        return path.StartsWith(_objects + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Object key '{key}' leads outside the storage folder.", nameof(key));
    }

    private static async Task<long> CopyAtMostAsync(Stream from, Stream to, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while (total < limit && (read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), cancellationToken)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
