namespace HiveSync.Grains.Tasks;

/// <summary>Section <c>Attachments</c>: task attachments uploaded to object storage.</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    /// <summary>What may be uploaded when <see cref="AllowedContentTypes"/> is not set: common documents, images and archives.</summary>
    public static readonly IReadOnlyList<string> DefaultContentTypes =
    [
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/avif",
        "application/pdf", "text/plain", "text/markdown", "text/csv", "application/json",
        "application/zip", "application/gzip",
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.presentation",
    ];

    /// <summary>How long a signed upload URL works; a pending upload is swept a minute after.</summary>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a signed download URL (in every answer showing a ready upload) works.</summary>
    public TimeSpan DownloadLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Content types that may be uploaded, <c>type/subtype</c> or <c>type/*</c>. Null (unset) is
    /// <see cref="DefaultContentTypes"/>: a list set in configuration replaces it rather than adding to it.
    /// </summary>
    public string[]? AllowedContentTypes { get; set; }

    /// <summary>How often uploads never completed are looked for (a reminder: 1 minute at least).</summary>
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<string> ContentTypes => AllowedContentTypes is { Length: > 0 } set ? set : DefaultContentTypes;

    public static IEnumerable<string> Problems(AttachmentOptions o)
    {
        // Seven days is the longest an S3 presigned URL may live.
        if (o.UploadLifetime < TimeSpan.FromMinutes(1) || o.UploadLifetime > TimeSpan.FromDays(7))
        {
            yield return "Attachments:UploadLifetime must be from 1 minute to 7 days.";
        }

        if (o.DownloadLifetime < TimeSpan.FromMinutes(1) || o.DownloadLifetime > TimeSpan.FromDays(7))
        {
            yield return "Attachments:DownloadLifetime must be from 1 minute to 7 days.";
        }

        if (o.SweepPeriod < TimeSpan.FromMinutes(1) || o.SweepPeriod > TimeSpan.FromHours(1))
        {
            yield return "Attachments:SweepPeriod must be from 1 minute to 1 hour.";
        }

        foreach (var (type, i) in (o.AllowedContentTypes ?? []).Select((t, i) => (t, i)).Where(e => !UploadRules.IsContentTypePattern(e.t)))
        {
            yield return $"Attachments:AllowedContentTypes:{i} ('{type}') must be a content type as type/subtype or type/*.";
        }
    }
}
