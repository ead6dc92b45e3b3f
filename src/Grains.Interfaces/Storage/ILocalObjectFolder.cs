namespace HiveSync.Grains.Interfaces.Storage;

/// <summary>
/// The local-folder object storage as its signed URLs reach it through the API (<see cref="UrlPath"/>): present only
/// when objects are kept in a local folder (no <c>Storage:S3:Bucket</c>). The API hands each request's values to it
/// and never makes a key or a path itself. Refusals are <c>DomainException</c>s, answered as the error envelope.
/// </summary>
public interface ILocalObjectFolder
{
    /// <summary>Where the API serves the folder's objects: <c>{UrlPath}/{key}?...</c>.</summary>
    public const string UrlPath = "/api/v1/storage/objects";

    /// <summary>Refuses (403) an upload URL whose signature is not the server's for these values, or that expired.</summary>
    void VerifyUpload(string key, long expires, long size, string contentType, string? signature);

    /// <summary>Refuses (403) a download URL whose signature is not the server's for these values, or that expired.</summary>
    void VerifyDownload(string key, long expires, string fileName, string contentType, string? signature);

    /// <summary>
    /// Stores exactly <paramref name="size"/> bytes of <paramref name="body"/> at <paramref name="key"/>, written
    /// aside and then moved into place, so no one ever sees half an upload; refuses a longer (413) or shorter (400) body.
    /// </summary>
    Task SaveAsync(string key, Stream body, long size, CancellationToken cancellationToken);

    /// <summary>The stored bytes (the caller disposes the stream), or null when nothing is stored at <paramref name="key"/>.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);
}
