using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Notifications;

/// <summary>
/// <c>GET /api/v1/notifications/stream</c>: the caller's new notifications as Server-Sent Events, from whichever silo
/// created them (docs/architecture.md, "Live notifications"). Each event's id is the notification's id; a client that
/// reconnects with <c>Last-Event-ID</c> gets exactly what came after it.
/// </summary>
public static class NotificationStreamApi
{
    public const string NotificationEvent = "notification";
    public const string ReadyEvent = "ready";
    public const string HeartbeatEvent = "heartbeat";

    public static IEndpointRouteBuilder MapNotificationStreamApi(this IEndpointRouteBuilder notifications)
    {
        notifications.MapGet("/stream", Stream)
            .Describe("streamNotifications", "New notifications as Server-Sent Events (text/event-stream), resumable with Last-Event-ID")
            .ProducesErrors(400);
        return notifications;
    }

    public static ServerSentEventsResult<string> Stream(
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        [FromQuery(Name = "last_event_id")] string? lastEventIdQuery,
        HttpContext http,
        [AsParameters] StreamServices services)
    {
        // The header is what EventSource sends on reconnect; the query serves a client's first connect.
        var after = ParseLastEventId(lastEventId ?? lastEventIdQuery);
        var caller = new StreamCaller(http.User.UserId(), http.User.SessionId(), ExpiresAt(http.User));
        var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, services.Lifetime.ApplicationStopping);
        http.Response.RegisterForDispose(ended);
        http.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events on as they come
        return TypedResults.ServerSentEvents(EventsAsync(caller, after, services, ended.Token));
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(StreamCaller caller, long? after, StreamServices services, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var o = services.Options.Value;
        var lease = o.HeartbeatInterval * 3;
        var streamId = Guid.NewGuid();
        var notifications = services.Grains.GetNotifications();
        var slots = services.Grains.GetGrain<INotificationStreamSlotsGrain>(caller.UserId);
        var user = services.Grains.GetGrain<IUserGrain>(caller.UserId);
        using var wakeups = services.Signals.Subscribe(caller.UserId); // before the first read: nothing committed after it is missed
        try
        {
            // Without Last-Event-ID the stream starts now; its first event carries that point, so a reconnect resumes from it.
            var sent = after ?? await notifications.LatestId(caller.UserId);
            yield return new SseItem<string>("{}", ReadyEvent) { EventId = Id(sent), ReconnectionInterval = o.ClientRetry };
            while (!cancellationToken.IsCancellationRequested && DateTimeOffset.UtcNow < caller.ExpiresAt)
            {
                // Every batch first asks whether the session still lives and this stream still holds its slot.
                if ((await user.CheckSession(caller.SessionId)).Result != SessionCheckResult.Active || !await slots.Hold(streamId, o.MaxStreamsPerUser, lease))
                {
                    yield break;
                }

                var batch = await notifications.Since(caller.UserId, sent, o.BatchSize);
                foreach (var notification in batch)
                {
                    yield return new SseItem<string>(JsonSerializer.Serialize(NotificationResponse.From(notification), services.Json.Value.SerializerOptions), NotificationEvent) { EventId = Id(notification.Id) };
                    sent = notification.Id;
                }

                if (batch.Count < o.BatchSize && !await wakeups.WaitAsync(Until(caller.ExpiresAt, o.HeartbeatInterval), cancellationToken))
                {
                    yield return new SseItem<string>("{}", HeartbeatEvent);
                }
            }
        }
        finally
        {
            await slots.Release(streamId);
        }
    }

    private static long? ParseLastEventId(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw DomainException.Validation("Last-Event-ID", "Must be the id of an event this stream sent: a non-negative integer.");
    }

    // A bearer token's stream ends with the token: the client reconnects with a fresh one. A cookie's lives with its session.
    private static DateTimeOffset ExpiresAt(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue("exp"), NumberStyles.None, CultureInfo.InvariantCulture, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : DateTimeOffset.MaxValue;

    private static TimeSpan Until(DateTimeOffset expiresAt, TimeSpan heartbeat)
    {
        var left = expiresAt - DateTimeOffset.UtcNow;
        return left < heartbeat ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : heartbeat;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private sealed record StreamCaller(long UserId, Guid SessionId, DateTimeOffset ExpiresAt);
}

/// <summary>What a stream needs besides its caller.</summary>
public sealed record StreamServices(
    IGrainFactory Grains,
    INotificationSignals Signals,
    IOptions<NotificationStreamOptions> Options,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> Json,
    IHostApplicationLifetime Lifetime);
