using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Storage;

/// <summary>
/// Section <c>Storage</c>. With <c>Storage:S3:Bucket</c> objects live in that S3-compatible bucket (Cloudflare R2,
/// AWS S3, MinIO, ...); without it (the embedded default) in <see cref="LocalFolderSettings.Directory"/>, served by
/// the API's signed routes.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public S3Settings S3 { get; set; } = new();

    public LocalFolderSettings Local { get; set; } = new();

    public static readonly StoredWorkSettings DeletionSettings = StoredWorkSettings.InSection("Storage:Deletion");

    /// <summary>Deleting objects no longer needed (object_deletions): a failure (the bucket unreachable) is retried with the defaults' delays.</summary>
    public StoredWorkOptions Deletion { get; set; } = new();

    public bool S3Configured => !string.IsNullOrWhiteSpace(S3.Bucket);

    public static IEnumerable<string> Problems(StorageOptions o)
    {
        if (o.S3Configured)
        {
            if (!IsHttpUrl(o.S3.ServiceUrl))
            {
                yield return "Storage:S3:Bucket is set, so Storage:S3:ServiceUrl is required: the S3 endpoint as an absolute http(s) URL (R2: https://<account id>.r2.cloudflarestorage.com).";
            }

            if (string.IsNullOrWhiteSpace(o.S3.AccessKeyId) || string.IsNullOrWhiteSpace(o.S3.SecretAccessKey))
            {
                yield return "Storage:S3:Bucket is set, so Storage:S3:AccessKeyId and Storage:S3:SecretAccessKey are required.";
            }

            if (string.IsNullOrWhiteSpace(o.S3.Region))
            {
                yield return "Storage:S3:Region must not be empty (R2's is auto).";
            }
        }
        else if (!string.IsNullOrWhiteSpace(o.S3.ServiceUrl) || !string.IsNullOrWhiteSpace(o.S3.AccessKeyId) || !string.IsNullOrWhiteSpace(o.S3.SecretAccessKey))
        {
            // Half an S3 configuration would otherwise quietly keep files on this machine's disk.
            yield return "Storage:S3:ServiceUrl, Storage:S3:AccessKeyId and Storage:S3:SecretAccessKey are set but Storage:S3:Bucket is not: set the bucket to use S3, or remove them to keep objects in Storage:Local:Directory.";
        }

        if (!string.IsNullOrEmpty(o.Local.PublicBaseUrl) && (!IsHttpUrl(o.Local.PublicBaseUrl) || new Uri(o.Local.PublicBaseUrl).Query.Length > 0))
        {
            yield return "Storage:Local:PublicBaseUrl must be an absolute http(s) URL without a query: the API's public address (signed URLs are {it}/api/v1/storage/objects/...).";
        }

        if (!string.IsNullOrEmpty(o.Local.SigningKey) && LocalObjectSignatures.DecodeKey(o.Local.SigningKey) is null)
        {
            yield return $"Storage:Local:SigningKey must be base64 of at least {LocalObjectSignatures.MinKeyBytes} bytes.";
        }

        foreach (var problem in StoredWorkOptions.Problems(o.Deletion, DeletionSettings))
        {
            yield return problem;
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}

/// <summary>Section <c>Storage:S3</c>: an S3-compatible bucket and the credentials of an access key allowed to use it.</summary>
public sealed class S3Settings
{
    /// <summary>The endpoint: R2's <c>https://&lt;account id&gt;.r2.cloudflarestorage.com</c>, AWS's regional one, a MinIO server.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The signing region; <c>auto</c> is R2's.</summary>
    public string Region { get; set; } = "auto";

    public string? Bucket { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary><c>https://endpoint/bucket/key</c> instead of <c>https://bucket.endpoint/key</c> (MinIO and other servers without bucket host names).</summary>
    public bool ForcePathStyle { get; set; }
}

/// <summary>Section <c>Storage:Local</c>: objects as files on this machine, for a developer's silo, tests and single-machine setups.</summary>
public sealed class LocalFolderSettings
{
    /// <summary>By default <c>storage</c> beside the embedded database's folder. Silos that share it share the objects.</summary>
    public string? Directory { get; set; }

    /// <summary>The API's public address, for absolute signed URLs; unset, they are relative (<c>/api/v1/...</c>) and the API completes them from the request.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Base64 HMAC-SHA256 key of the signed URLs; unset, one is made once and kept in the folder (shared by silos that share it).</summary>
    public string? SigningKey { get; set; }

    public string DirectoryOrDefault => string.IsNullOrWhiteSpace(Directory) ? DataDirectories.Default("storage") : Directory;
}
