using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HiveSync.WebApi.Platform;

/// <summary>
/// Turns every exception into the envelope: domain errors keep their code, malformed requests become
/// 400/413/415, anything else is a logged 500 <c>INTERNAL_ERROR</c> without internals in the body. Error statuses
/// the framework ends without a body (no route, wrong method, ...) get the envelope too (what the framework's
/// status-code pages middleware did, without a middleware and a feature of its own on every request).
/// </summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (IsBareError(context.Response))
            {
                await WriteBareStatusAsync(context);
            }
        }
        catch (DomainException error)
        {
            await ErrorEnvelopeWriter.WriteAsync(context, error);
        }
        catch (BadHttpRequestException error)
        {
            await WriteBadRequestAsync(context, error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception error) when (IsTransientClusterFault(error))
        {
            // A silo died and the cluster has not yet moved its grains: the caller should retry shortly.
            logger.LogWarning(error, "Cluster temporarily unavailable for {Method} {Path}", context.Request.Method, context.Request.Path);
            await ErrorEnvelopeWriter.WriteAsync(context, new DomainException(ErrorCodes.ServiceUnavailable, "The service is briefly unavailable; retry in a few seconds.", new { retry_after_seconds = 5 })
            {
                RetryAfterSeconds = 5,
            });
        }
        catch (Exception error)
        {
            logger.LogError(error, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
            await ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.InternalError, "An unexpected error occurred. Quote the request id when reporting it.", new { request_id = context.TraceIdentifier });
        }
    }

    private static bool IsBareError(HttpResponse response) =>
        response.StatusCode is >= 400 and < 600 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType);

    private static Task WriteBareStatusAsync(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.NotFound, $"No route {context.Request.Method} {context.Request.Path}."),
        StatusCodes.Status405MethodNotAllowed => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}."),
        StatusCodes.Status415UnsupportedMediaType => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.UnsupportedMediaType, "Send the request body as application/json."),
        StatusCodes.Status401Unauthorized => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.AuthRequired, "Sign in first."),
        StatusCodes.Status403Forbidden => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.AuthForbidden, "You may not do this."),
        StatusCodes.Status413PayloadTooLarge => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.PayloadTooLarge, "The request body is too large."),
        >= 500 => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.InternalError, "An unexpected error occurred."),
        _ => ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.ValidationError, "The request is not valid."),
    };

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException error)
    {
        if (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.PayloadTooLarge, "The request body is too large.");
        }

        if (error.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.UnsupportedMediaType, "Send the request body as application/json.");
        }

        if (FindInner<JsonException>(error) is { } json)
        {
            var field = JsonPathToField(json.Path);
            var message = json.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "This field is unknown or may not be set."
                : "The value is malformed or has the wrong type.";
            if (string.IsNullOrEmpty(field))
            {
                return ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.ValidationError, "The request body is not valid JSON.");
            }

            return ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.ValidationError, "The request is not valid.", new Dictionary<string, string[]> { [field] = [message] });
        }

        // Binding failures of route/query values ("Failed to bind parameter ...") or a missing body.
        return ErrorEnvelopeWriter.WriteAsync(context, ErrorCodes.ValidationError, error.Message.StartsWith("Failed to read parameter", StringComparison.Ordinal) || error.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? "The request body is missing or is not valid JSON."
            : "A route or query value is malformed.");
    }

    /// <summary>A fault of the cluster, not of the request: a silo died or is leaving and its grains have not moved yet.</summary>
    public static bool IsTransientClusterFault(Exception error) => error is
        Orleans.Runtime.SiloUnavailableException
        or Orleans.Runtime.OrleansMessageRejectionException
        or Orleans.Runtime.Messaging.ConnectionFailedException
        or TimeoutException;

    private static T? FindInner<T>(Exception error)
        where T : Exception
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    // "$.profile.display_name" -> "profile.display_name"; "$" -> "".
    private static string JsonPathToField(string? path) =>
        string.IsNullOrEmpty(path) ? string.Empty : path.TrimStart('$').TrimStart('.');
}
