using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Platform;

public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest request body the API reads; files never pass through the API (signed URLs do).</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Take the client address from X-Forwarded-For/-Proto. Only behind a load balancer that sets them.</summary>
    public bool TrustForwardedHeaders { get; set; }
}

/// <summary>Refuses oversized bodies up front (declared length) and caps streamed ones (chunked).</summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.PayloadTooLarge, $"The request body is larger than {limit} bytes.", new { max_bytes = limit });
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
