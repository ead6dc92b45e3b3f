using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Storage;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace HiveSync.WebApi.Storage;

/// <summary>
/// <c>/api/v1/storage/objects/{key}</c>: the local folder's signed uploads and downloads (<see cref="ILocalObjectFolder"/>).
/// Anonymous, so neither sign-in nor CSRF applies: the URL's signature is the credential. With S3 the signed URLs are
/// the bucket's and these routes answer 404.
/// </summary>
public static class LocalStorageApi
{
    public static IEndpointRouteBuilder MapLocalStorageApi(this IEndpointRouteBuilder api)
    {
        var objects = api.MapGroup("/storage/objects").WithTags("Storage").RequireRateLimit(RateLimitGroups.Storage).AllowAnonymous();
        objects.MapPut("/{**key}", Upload).WithBodyLimitOfItsOwn().Describe("uploadObject", "Upload a file's bytes to a signed upload URL, with the headers it was signed with").ProducesErrors(400, 403, 404, 413, 415);
        objects.MapGet("/{**key}", Download).Describe("downloadObject", "Download a file from a signed download URL").Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").ProducesErrors(400, 403, 404);
        return api;
    }

    public static async Task<NoContent> Upload(string key, [AsParameters] SignedUploadQuery query, HttpContext http)
    {
        var folder = LocalFolder(http);
        folder.VerifyUpload(key, query.Expires ?? 0, query.Size ?? 0, query.Type ?? "", query.Signature);
        var size = query.Size ?? 0;
        if (!string.Equals(http.Request.ContentType, query.Type, StringComparison.Ordinal))
        {
            throw new DomainException(ErrorCodes.UnsupportedMediaType, $"Send Content-Type: {query.Type}, the type this URL was signed for.");
        }

        if (http.Request.ContentLength > size)
        {
            throw new DomainException(ErrorCodes.PayloadTooLarge, $"This URL was signed for {size} bytes.", new { max_bytes = size });
        }

        if (http.Request.ContentLength < size)
        {
            throw DomainException.Validation("Content-Length", $"This URL was signed for {size} bytes.");
        }

        // Instead of the API-wide limit: what was signed. Kestrel counts a chunked body's framing as body bytes too, so
        // that one gets room for it; SaveAsync counts the data itself and refuses the first byte past the size.
        http.TryLimitBody(http.Request.ContentLength is null ? ChunkedLimit(size) : size);
        await folder.SaveAsync(key, http.Request.Body, size, http.RequestAborted);
        return TypedResults.NoContent();
    }

    public static async Task<FileStreamHttpResult> Download(string key, [AsParameters] SignedDownloadQuery query, HttpContext http)
    {
        var folder = LocalFolder(http);
        folder.VerifyDownload(key, query.Expires ?? 0, query.Name ?? "", query.Type ?? "", query.Signature);
        var file = await folder.OpenReadAsync(key, http.RequestAborted)
            ?? throw new DomainException(ErrorCodes.NotFound, "Nothing is stored at this URL.");

        // The signed name, safely quoted (and as filename* when it is not ASCII); never shown inline, never sniffed.
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(query.Name);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.Stream(file, query.Type);
    }

    private static long ChunkedLimit(long size) => size > (long.MaxValue / 4) ? long.MaxValue : (size * 2) + (64 * 1024);

    private static ILocalObjectFolder LocalFolder(HttpContext http) =>
        http.RequestServices.GetService<ILocalObjectFolder>()
        ?? throw new DomainException(ErrorCodes.NotFound, $"No route {http.Request.Method} {http.Request.Path}: objects are kept in S3 here, and signed URLs point at the bucket.");
}

/// <summary>The query of a signed upload URL.</summary>
public sealed record SignedUploadQuery(
    [property: FromQuery(Name = "expires")] long? Expires,
    [property: FromQuery(Name = "size")] long? Size,
    [property: FromQuery(Name = "type")] string? Type,
    [property: FromQuery(Name = "signature")] string? Signature);

/// <summary>The query of a signed download URL.</summary>
public sealed record SignedDownloadQuery(
    [property: FromQuery(Name = "expires")] long? Expires,
    [property: FromQuery(Name = "name")] string? Name,
    [property: FromQuery(Name = "type")] string? Type,
    [property: FromQuery(Name = "signature")] string? Signature);
