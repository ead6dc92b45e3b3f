using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Builder;
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

/// <summary>
/// Refuses oversized bodies up front (declared length) and caps streamed ones (chunked), except on routes marked
/// <see cref="RequestBodyLimits.WithBodyLimitOfItsOwn"/>, which set their own limit before they read.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimitMetadata>() is not null)
        {
            return next(context);
        }

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

/// <summary>Marks a route that limits its body itself (a signed upload: to its signed size).</summary>
public sealed record OwnBodyLimitMetadata;

public static class RequestBodyLimits
{
    /// <summary>
    /// The API-wide <c>Api:MaxRequestBodyBytes</c> does not apply to this route: it must set
    /// <see cref="IHttpMaxRequestBodySizeFeature.MaxRequestBodySize"/> itself before it reads the body.
    /// </summary>
    public static TBuilder WithBodyLimitOfItsOwn<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OwnBodyLimitMetadata());

    /// <summary>Caps what the server reads of this request's body; false when reading has already begun.</summary>
    public static bool TryLimitBody(this HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is not { IsReadOnly: false } feature)
        {
            return false;
        }

        feature.MaxRequestBodySize = maxBytes;
        return true;
    }
}
