using System.Globalization;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
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

/// <summary>
/// Runs after authentication and before authorization: a signed-in caller of a protected route draws from their
/// own bucket at their tier's rate; everyone else from their client IP's bucket at the anonymous rate. That
/// includes anonymous entry points (sign-up, sign-in, refresh, ...) whatever credentials come with them, so no
/// token (and no number of accounts) buys more guesses, and callers refused for bad credentials, so token
/// guessing is counted. Every limited answer carries the IETF draft's <c>RateLimit-Policy</c>/<c>RateLimit</c>
/// fields and GitHub-style <c>X-RateLimit-*</c>; over the limit it is 429.
/// </summary>
public sealed class RateLimitingMiddleware(RequestDelegate next, IGrainFactory grains, IOptions<TierOptions> tiers, IOptions<RateLimitOptions> anonymous, TimeProvider clock)
{
    public const int WindowSeconds = 60;

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<RateLimitMetadata>() is not { } metadata)
        {
            await next(context);
            return;
        }

        var asUser = context.User.Identity?.IsAuthenticated == true && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
        var (subject, limit) = asUser
            ? ("user:" + context.User.UserId().ToString(CultureInfo.InvariantCulture), tiers.Value.For(context.User.Tier()).RequestsPerMinuteFor(metadata.Group))
            : (ClientAddress.BucketSubject(context.Connection.RemoteIpAddress), anonymous.Value.AnonymousPerMinuteFor(metadata.Group));
        var bucket = grains.GetGrain<IRateLimitGrain>(RateLimitKeys.Bucket(metadata.Group, subject));
        var decision = await bucket.Acquire(new RateLimitPolicy(metadata.Group, limit, WindowSeconds));
        RateLimitHeaders.Write(context.Response, decision, clock.GetUtcNow());
        if (!decision.Allowed)
        {
            throw decision.Refused("Too many requests; retry after the number of seconds in Retry-After.");
        }

        await next(context);
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
