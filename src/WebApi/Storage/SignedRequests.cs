using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Storage;

/// <summary>Signed storage URLs as the API hands them to clients.</summary>
public static class SignedRequests
{
    /// <summary>
    /// <paramref name="url"/> as an absolute URL: as it is when absolute (S3, or <c>Storage:Local:PublicBaseUrl</c>),
    /// else (<c>/api/v1/...</c>) on the scheme and host the client reached this request at.
    /// </summary>
    public static Uri Absolute(HttpRequest request, Uri url) =>
        url.IsAbsoluteUri ? url : new Uri($"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{url.OriginalString}", UriKind.Absolute);
}
