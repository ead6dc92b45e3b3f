using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HiveSync.WebApi.Platform;

/// <summary>
/// Accepts a well-formed <c>X-Request-Id</c> or makes one, echoes it, and puts it in the log scope
/// (every log line of the request) and in Orleans' request context (the grains' audit entries).
/// Writes one access-log line per request.
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";
    public const string ContextKey = "request_id";

    public async Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[HeaderName].ToString();
        var requestId = SafeRequestId().IsMatch(supplied) ? supplied : Guid.NewGuid().ToString("N");
        context.TraceIdentifier = requestId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = requestId; // at the last moment: error writers clear headers
            return Task.CompletedTask;
        });
        Orleans.Runtime.RequestContext.Set(ContextKey, requestId);
        using (logger.BeginScope("RequestId:{RequestId}", requestId))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                // The one access-log line per request (handlers do not log their own).
                logger.LogInformation(
                    "HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms",
                    context.Request.Method,
                    context.Request.Path,
                    context.Response.StatusCode,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    // Client ids go into logs and headers: only short, printable, header-safe values are taken.
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex SafeRequestId();
}
