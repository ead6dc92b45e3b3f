using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Platform;

/// <summary>
/// <c>Idempotency-Key</c> on create routes (the IETF draft): per user, the first request with a key runs and its
/// success is kept 24 hours; the same key with the same request answers that again (<c>Idempotent-Replayed: true</c>),
/// with a different request 422 <c>IDEMPOTENCY_KEY_REUSED</c>, and while the first still runs 409 <c>CONFLICT</c>. A
/// request that fails keeps nothing, so its retry runs anew.
/// </summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>The one line a create route declares it with.</summary>
    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(FilterAsync);
        builder.WithMetadata(IdempotentCreate.Instance);
        return builder.ProducesErrors(StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>Marks the routes that honour the header (the API document declares it on them).</summary>
    public sealed class IdempotentCreate
    {
        public static readonly IdempotentCreate Instance = new();

        private IdempotentCreate()
        {
        }
    }

    private static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[HeaderName].ToString();
        if (key.Length == 0)
        {
            return await next(context);
        }

        if (key.Length > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            throw DomainException.Validation(HeaderName, $"Must be 1 to {MaxKeyLength} printable ASCII characters without spaces.");
        }

        var userId = http.User.UserId();
        var keys = http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IIdempotencyGrain>(0);
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var claim = await keys.Claim(userId, key, RequestHash(http, context.Arguments, json));
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Mismatch:
                throw new DomainException(ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used for a different request: use a new key.");
            case IdempotencyOutcome.InFlight:
                throw new DomainException(ErrorCodes.Conflict, "The first request with this Idempotency-Key is still running: retry shortly.");
            case IdempotencyOutcome.Replay:
                return Replay(http, claim.Stored!);
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await keys.Release(userId, key);
            throw;
        }

        if (result is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 and var status } and IValueHttpResult answer)
        {
            var location = result.GetType().GetProperty("Location")?.GetValue(result) as string;
            await keys.Complete(userId, key, new StoredAnswer(status, location, JsonSerializer.Serialize(answer.Value, answer.Value?.GetType() ?? typeof(object), json)));
        }
        else
        {
            await keys.Release(userId, key);
        }

        return result;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Replay(HttpContext http, StoredAnswer stored)
    {
        http.Response.Headers[ReplayedHeader] = "true";
        if (stored.Location is not null)
        {
            http.Response.Headers.Location = stored.Location;
        }

        return TypedResults.Text(stored.Body, "application/json", Encoding.UTF8, stored.Status);
    }

    /// <summary>What makes two requests the same: method, path and the request bodies the endpoint bound.</summary>
    private static byte[] RequestHash(HttpContext http, IList<object?> arguments, JsonSerializerOptions json)
    {
        var text = new StringBuilder().Append(http.Request.Method).Append(' ').Append(http.Request.Path.Value);
        foreach (var argument in arguments.Where(a => a is JsonElement || a?.GetType().Name.EndsWith("Request", StringComparison.Ordinal) == true))
        {
            text.Append('\n').Append(JsonSerializer.Serialize(argument, argument!.GetType(), json));
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
