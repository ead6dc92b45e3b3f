namespace HiveSync.Grains.Storage;

/// <summary>
/// Where files (task attachments, later preview artifacts and exports) are kept: an S3-compatible bucket, or a
/// local folder served by the API's signed routes. Clients never send the bytes through the API: they get a signed
/// request and talk to the storage directly. Keys are always the server's (<see cref="ObjectKeys"/>), never a client's.
/// </summary>
public interface IObjectStorage
{
    /// <summary>
    /// A request the client makes to put exactly <paramref name="size"/> bytes of <paramref name="contentType"/> at
    /// <paramref name="key"/>, valid until <paramref name="expiresAt"/>. Its headers (Content-Type, Content-Length) are
    /// part of the signature: the client sends them exactly (a browser sets Content-Length itself).
    /// </summary>
    Task<SignedRequest> SignUploadAsync(string key, string contentType, long size, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>A GET that downloads <paramref name="key"/> as an attachment named <paramref name="fileName"/> (Content-Disposition) until <paramref name="expiresAt"/>.</summary>
    Task<SignedRequest> SignDownloadAsync(string key, string fileName, string contentType, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The stored object's size (and content type if known), or null when nothing is stored at <paramref name="key"/>.</summary>
    Task<StoredObject?> FindAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The stored bytes (the caller disposes the stream), or null when nothing is stored at <paramref name="key"/>.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes the object; removing an absent key is not an error (idempotent).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>
/// A request the client makes itself: <paramref name="Url"/> is absolute, or (the local folder with no
/// <c>Storage:Local:PublicBaseUrl</c>) relative to the API's host, starting with <c>/api/v1/</c>.
/// </summary>
public sealed record SignedRequest(Uri Url, string Method, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresAt);

public sealed record StoredObject(long Size, string? ContentType);
