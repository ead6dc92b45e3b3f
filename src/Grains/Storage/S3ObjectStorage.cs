using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HiveSync.Grains.Storage;

/// <summary>
/// Objects in an S3-compatible bucket (<c>Storage:S3</c>; Cloudflare R2 in production) through the AWS SDK. Uploads
/// and downloads are presigned (SigV4 in the query string): the client talks to the bucket, never to the API.
/// </summary>
/// <remarks>
/// The SDK's presigner signs the headers it is given, Content-Length included (<c>X-Amz-SignedHeaders=
/// content-length;content-type;host</c>), so S3 and R2 refuse an upload of another size or type. Should this class
/// ever upload itself to R2, the request needs <c>DisablePayloadSigning = true</c>: R2 does not take the SDK's
/// streaming (aws-chunked) payload signatures.
/// </remarks>
public sealed class S3ObjectStorage : IObjectStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly Protocol _protocol;

    public S3ObjectStorage(IOptions<StorageOptions> options)
    {
        var s3 = options.Value.S3;
        var serviceUrl = new Uri(s3.ServiceUrl!);
        _bucket = s3.Bucket!;
        _protocol = serviceUrl.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS; // presigned URLs are https unless told
        _client = new AmazonS3Client(new BasicAWSCredentials(s3.AccessKeyId, s3.SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = serviceUrl.ToString(),
            ForcePathStyle = s3.ForcePathStyle,
            AuthenticationRegion = s3.Region,
        });
    }

    public async Task<SignedRequest> SignUploadAsync(string key, string contentType, long size, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var request = Presign(key, HttpVerb.PUT, expiresAt);
        request.ContentType = contentType;
        request.Headers.ContentLength = size;
        var url = await _client.GetPreSignedURLAsync(request);
        var headers = new Dictionary<string, string> { ["Content-Type"] = contentType, ["Content-Length"] = size.ToString(CultureInfo.InvariantCulture) };
        return new SignedRequest(new Uri(url), "PUT", headers, expiresAt);
    }

    public async Task<SignedRequest> SignDownloadAsync(string key, string fileName, string contentType, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var request = Presign(key, HttpVerb.GET, expiresAt);
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        request.ResponseHeaderOverrides.ContentDisposition = disposition.ToString();
        request.ResponseHeaderOverrides.ContentType = contentType;
        var url = await _client.GetPreSignedURLAsync(request);
        return new SignedRequest(new Uri(url), "GET", new Dictionary<string, string>(), expiresAt);
    }

    public async Task<StoredObject?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(_bucket, ObjectKeys.Validate(key), cancellationToken);
            return new StoredObject(head.Headers.ContentLength, head.Headers.ContentType);
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            // The response's stream is the connection's: disposing it (the caller's job) releases both.
            var response = await _client.GetObjectAsync(_bucket, ObjectKeys.Validate(key), cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        // S3 answers 204 for a key that is not there: idempotent as it is.
        await _client.DeleteObjectAsync(_bucket, ObjectKeys.Validate(key), cancellationToken);
    }

    public void Dispose() => _client.Dispose();

    private GetPreSignedUrlRequest Presign(string key, HttpVerb verb, DateTimeOffset expiresAt) => new()
    {
        BucketName = _bucket,
        Key = key,
        Verb = verb,
        Expires = expiresAt.UtcDateTime,
        Protocol = _protocol,
    };
}
