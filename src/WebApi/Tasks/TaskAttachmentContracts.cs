using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Storage;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Tasks;

/// <summary>
/// A link or an upload. Fields that do not apply to its kind are null: <c>url</c> (links), <c>content_type</c>,
/// <c>size</c>, <c>sha256</c>, <c>completed_at</c> and <c>download_url</c> (uploads; the download only once ready).
/// <c>upload</c> is there only in the answer that created the upload.
/// </summary>
public sealed record AttachmentResponse(
    long Id,
    [property: ClosedSet(typeof(AttachmentKinds))] string Kind,
    [property: ClosedSet(typeof(AttachmentStatuses))] string Status,
    string Name,
    string? Url,
    string? ContentType,
    long? Size,
    string? Sha256,
    string? DownloadUrl,
    DateTimeOffset? DownloadExpiresAt,
    long CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    SignedRequestResponse? Upload)
{
    public static AttachmentResponse From(TaskAttachment a, HttpRequest request) => new(
        a.Id,
        a.Kind,
        a.Status,
        a.Name,
        a.Url,
        a.ContentType,
        a.Size,
        a.Sha256,
        a.Download is { } download ? Absolute(request, download.Url) : null,
        a.Download?.ExpiresAt,
        a.CreatedBy,
        a.CreatedAt,
        a.CompletedAt,
        a.Upload is { } upload ? new SignedRequestResponse(Absolute(request, upload.Url), upload.Method, upload.Headers, upload.ExpiresAt) : null);

    private static string Absolute(HttpRequest request, string url) => SignedRequests.Absolute(request, new Uri(url, UriKind.RelativeOrAbsolute)).AbsoluteUri;
}

/// <summary>A request the client makes itself to the storage: exactly this method, URL and headers, before <c>expires_at</c>.</summary>
public sealed record SignedRequestResponse(string Url, string Method, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST .../attachments</c>: a link (<c>url</c>, optional <c>name</c>) or an upload (<c>name</c>, <c>content_type</c>,
/// <c>size</c>, optional <c>sha256</c>), never both.
/// </summary>
public sealed record AttachmentRequest(string? Url = null, string? Name = null, string? ContentType = null, long? Size = null, string? Sha256 = null)
{
    public bool IsUpload => ContentType is not null || Size is not null || Sha256 is not null;

    /// <summary>400 naming the fields when the request is both a link and an upload, or neither.</summary>
    public void EnsureOneForm()
    {
        if (Url is not null && IsUpload)
        {
            var fields = new Dictionary<string, string[]> { ["url"] = ["Send url for a link, or content_type and size for an upload, not both."] };
            foreach (var (field, present) in new[] { ("content_type", ContentType is not null), ("size", Size is not null), ("sha256", Sha256 is not null) })
            {
                if (present)
                {
                    fields[field] = ["Not allowed with url: an upload has no url."];
                }
            }

            throw DomainException.Validation(fields);
        }

        if (Url is null && !IsUpload)
        {
            const string Either = "Send url for a link, or content_type and size for an upload.";
            throw DomainException.Validation(new Dictionary<string, string[]> { ["url"] = [Either], ["content_type"] = [Either], ["size"] = [Either] });
        }
    }

    public NewUpload ToNewUpload() => new(Name ?? "", ContentType ?? "", Size ?? 0, Sha256);
}
