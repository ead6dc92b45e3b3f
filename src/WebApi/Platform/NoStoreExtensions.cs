using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Platform;

public static class NoStoreExtensions
{
    /// <summary>
    /// <c>Cache-Control: no-store</c> on every answer of a route whose body carries a credential (tokens, login
    /// links), so no browser, proxy or client cache keeps a copy.
    /// </summary>
    public static TBuilder WithNoStore<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
}
