using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Platform;

/// <summary>The one place an error leaves the API: status from the catalogue, body in the envelope.</summary>
public static class ErrorEnvelopeWriter
{
    public static Task WriteAsync(HttpContext context, ApiErrorCode code, string message, object? details = null) =>
        WriteAsync(context, code.Code, code.Status, message, details is null ? null : JsonSerializer.SerializeToElement(details, JsonOptions(context)));

    public static Task WriteAsync(HttpContext context, DomainException error)
    {
        if (error.RetryAfterSeconds is int seconds && !context.Response.HasStarted)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteAsync(context, error.Code, ErrorCodes.StatusOf(error.Code), error.Message, error.DetailsJson is null ? null : JsonDocument.Parse(error.DetailsJson).RootElement);
    }

    private static async Task WriteAsync(HttpContext context, string code, int status, string message, JsonElement? details)
    {
        if (context.Response.HasStarted)
        {
            return; // too late for a body; the connection is aborted by the server
        }

        // Headers already set stay (WWW-Authenticate, Retry-After, X-Request-Id): they belong to this answer.
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new ErrorEnvelope(new ErrorBody(code, message, details)), JsonOptions(context), contentType: "application/json; charset=utf-8");
    }

    private static JsonSerializerOptions JsonOptions(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
}
