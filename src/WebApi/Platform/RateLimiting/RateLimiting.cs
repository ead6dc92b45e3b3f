using System.Globalization;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Platform.RateLimiting;

/// <summary>Marks a route group's endpoints with the rate-limit bucket they draw from.</summary>
public sealed record RateLimitMetadata(string Group);

public static class RateLimitingExtensions
{
    /// <summary>The one line a route group declares its bucket with: <c>api.RequireRateLimit(RateLimitGroups.Auth)</c>.</summary>
    public static TBuilder RequireRateLimit<TBuilder>(this TBuilder builder, string group)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RateLimitMetadata(group));
        return builder.ProducesErrors(StatusCodes.Status429TooManyRequests);
    }
}

/// <summary>Which bucket a route draws from.</summary>
public static class RateLimitRoutes
{
    /// <summary>
    /// The route group whose bucket a signed-in caller of this endpoint draws from, or null: not limited, or an
    /// anonymous entry point (sign-up, sign-in, refresh, ...), which always counts against the client IP.
    /// </summary>
    public static string? CallerBucketGroup(Endpoint? endpoint) =>
        SignedInByDefault.IsForSignedInCallers(endpoint) && endpoint!.Metadata.GetMetadata<RateLimitMetadata>() is { } metadata ? metadata.Group : null;
}

/// <summary>
/// Runs after authentication and before authorization: a signed-in caller of a protected route draws from their
/// own bucket at their tier's rate (the decision was taken by the session check, in the user's grain, in the same
/// call); everyone else from their client IP's bucket at the anonymous rate. That includes anonymous entry points
/// whatever credentials come with them, so no token (and no number of accounts) buys more guesses, and callers
/// refused for bad credentials, so token guessing is counted. Every limited answer carries the IETF draft's
/// <c>RateLimit-Policy</c>/<c>RateLimit</c> fields and GitHub-style <c>X-RateLimit-*</c>; over the limit it is 429.
/// </summary>
public sealed class RateLimitingMiddleware(RequestDelegate next, IGrainFactory grains, IOptions<RateLimitOptions> anonymous, TimeProvider clock)
{
    public const int WindowSeconds = RateLimitPolicy.MinuteSeconds;

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<RateLimitMetadata>() is not { } metadata)
        {
            return next(context);
        }

        if (context.User.Identity?.IsAuthenticated == true && RateLimitRoutes.CallerBucketGroup(endpoint) is not null)
        {
            var taken = context.CheckedSession().RateLimit ?? throw new InvalidOperationException("The session check of a limited route carries its decision.");
            return ApplyAsync(context, taken);
        }

        return DrawFromClientAddressAsync(context, metadata.Group);
    }

    private async Task DrawFromClientAddressAsync(HttpContext context, string group)
    {
        var bucket = grains.GetGrain<IRateLimitGrain>(RateLimitKeys.Bucket(group, ClientAddress.BucketSubject(context.Connection.RemoteIpAddress)));
        await ApplyAsync(context, await bucket.Acquire(new RateLimitPolicy(group, anonymous.Value.AnonymousPerMinuteFor(group), WindowSeconds)));
    }

    private Task ApplyAsync(HttpContext context, RateLimitDecision decision)
    {
        RateLimitHeaders.Write(context.Response, decision, clock.GetUtcNow());
        if (!decision.Allowed)
        {
            throw decision.Refused("Too many requests; retry after the number of seconds in Retry-After.");
        }

        return next(context);
    }
}

/// <summary>The rate-limit header fields, and the 429 that goes with them.</summary>
public static class RateLimitHeaders
{
    public static void Write(HttpResponse response, RateLimitDecision decision, DateTimeOffset now)
    {
        var name = decision.Name;
        response.Headers["RateLimit-Policy"] = $"\"{name}\";q={decision.Limit};w={decision.WindowSeconds}";
        response.Headers["RateLimit"] = $"\"{name}\";r={decision.Remaining};t={decision.ResetSeconds}";
        response.Headers["X-RateLimit-Limit"] = Text(decision.Limit);
        response.Headers["X-RateLimit-Remaining"] = Text(decision.Remaining);
        response.Headers["X-RateLimit-Used"] = Text(decision.Limit - decision.Remaining);
        response.Headers["X-RateLimit-Reset"] = Text(now.AddSeconds(decision.ResetSeconds).ToUnixTimeSeconds());
        response.Headers["X-RateLimit-Resource"] = name;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
