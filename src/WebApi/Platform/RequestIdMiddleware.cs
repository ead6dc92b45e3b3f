using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HiveSync.WebApi.Platform;

/// <summary>
/// Accepts a well-formed <c>X-Request-Id</c> or makes one, echoes it, and puts it in the log scope
/// (every log line of the request) and in Orleans' request context (the grains' audit entries).
/// Writes one access-log line per request: at Information for failures and slow answers (an event stream is never
/// slow), at Debug for the rest, so the console is not the bottleneck of a busy silo (set this category to Debug to see every request).
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";
    public const string ContextKey = "request_id";

    /// <summary>Answers slower than this are logged at Information even when they succeed.</summary>
    public static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(1);

    public async Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[HeaderName].ToString();
        var requestId = SafeRequestId().IsMatch(supplied) ? supplied : Guid.NewGuid().ToString("N");
        context.TraceIdentifier = requestId;
        context.Response.Headers[HeaderName] = requestId; // error writers keep the headers already set
        Orleans.Runtime.RequestContext.Set(ContextKey, requestId);
        using var scope = logger.BeginScope("RequestId:{RequestId}", requestId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = context.Response.StatusCode;
            var level = status >= StatusCodes.Status400BadRequest || (elapsed >= SlowAnswer && !IsStream(context)) ? LogLevel.Information : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                Answered(logger, level, context.Request.Method, context.Request.Path, status, elapsed.TotalMilliseconds);
            }
        }
    }

    // An event stream is open for as long as its client listens: its length says nothing about how fast it answered.
    private static bool IsStream(HttpContext context) =>
        context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;

    [LoggerMessage("HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void Answered(ILogger logger, LogLevel level, string method, PathString path, int statusCode, double elapsedMs);

    // Client ids go into logs and headers: only short, printable, header-safe values are taken.
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex SafeRequestId();
}
