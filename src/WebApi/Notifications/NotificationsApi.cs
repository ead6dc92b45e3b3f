using System.Security.Claims;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Notifications;

/// <summary><c>/api/v1/notifications</c>: the caller's notifications and which channels each event type uses.</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization().RequireRateLimit(RateLimitGroups.Notifications).ProducesErrors(401);
        notifications.MapGet("/", List).Describe("listNotifications", "The caller's notifications, newest first").ProducesErrors(400);
        notifications.MapGet("/unread-count", UnreadCount).Describe("countUnreadNotifications", "How many of the caller's notifications are unread");
        notifications.MapPost("/mark-read", MarkRead).Describe("markNotificationsRead", "Mark some of the caller's notifications read").ProducesErrors(400, 413, 415);
        notifications.MapPost("/mark-all-read", MarkAllRead).Describe("markAllNotificationsRead", "Mark all of the caller's notifications read");
        notifications.MapGet("/settings", Settings).Describe("getNotificationSettings", "Channels per event type");
        notifications.MapPatch("/settings", UpdateSettings).Accepts<NotificationSettingsResponse>("application/json").Describe("updateNotificationSettings", "Turn channels on or off per event type").ProducesErrors(400, 413, 415);
        notifications.MapNotificationStreamApi();
        return app;
    }

    public static async Task<Ok<PageEnvelope<NotificationResponse>>> List([AsParameters] PageQuery paging, [FromQuery(Name = "unread")] string? unread, HttpContext http, IGrainFactory grains)
    {
        var page = paging.Validate(http);
        var read = new FieldErrors();
        var unreadOnly = unread switch
        {
            null or "false" => false,
            "true" => true,
            _ => read.Invalid("unread", "Must be true or false.", false),
        };
        read.ThrowIfInvalid();
        var found = await grains.GetNotifications().List(http.User.UserId(), unreadOnly, page.Offset, page.PageSize);
        return TypedResults.Ok(new PageEnvelope<NotificationResponse>([.. found.Items.Select(NotificationResponse.From)], found.Total, page.Page, page.PageSize));
    }

    public static async Task<Ok<DataEnvelope<UnreadCountResponse>>> UnreadCount(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(new DataEnvelope<UnreadCountResponse>(new UnreadCountResponse(await grains.GetNotifications().UnreadCount(user.UserId()))));

    public static async Task<Ok<DataEnvelope<MarkedResponse>>> MarkRead(MarkReadRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(new DataEnvelope<MarkedResponse>(new MarkedResponse(await grains.GetNotifications().MarkRead(user.UserId(), request.Ids ?? []))));

    public static async Task<Ok<DataEnvelope<MarkedResponse>>> MarkAllRead(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(new DataEnvelope<MarkedResponse>(new MarkedResponse(await grains.GetNotifications().MarkAllRead(user.UserId()))));

    public static async Task<Ok<DataEnvelope<NotificationSettingsResponse>>> Settings(ClaimsPrincipal user, IGrainFactory grains) =>
        SettingsResult(await grains.GetNotifications().Settings(user.UserId()));

    public static async Task<Ok<DataEnvelope<NotificationSettingsResponse>>> UpdateSettings(JsonElement body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var notifications = grains.GetNotifications();
        var current = (await notifications.Settings(user.UserId())).ToDictionary(s => s.EventType);
        var changes = ChannelChoice.Parse(body, current);
        return SettingsResult(await notifications.UpdateSettings(user.UserId(), changes));
    }

    private static Ok<DataEnvelope<NotificationSettingsResponse>> SettingsResult(IReadOnlyList<NotificationSetting> settings) =>
        TypedResults.Ok(new DataEnvelope<NotificationSettingsResponse>(new NotificationSettingsResponse(settings)));
}

public sealed record NotificationResponse(
    long Id,
    [property: ClosedSet(typeof(NotificationTypes))] string Type,
    long? ActorId,
    long? ProjectId,
    long? TaskId,
    long? CommentId,
    [property: FreeFormObject] JsonElement Data,
    bool Read,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt)
{
    public static NotificationResponse From(Notification n)
    {
        using var payload = JsonDocument.Parse(n.PayloadJson);
        return new(n.Id, n.Type, n.ActorId, n.ProjectId, n.TaskId, n.CommentId, payload.RootElement.Clone(), n.ReadAt is not null, n.CreatedAt, n.ReadAt);
    }
}

/// <summary>Every event type's channels, keyed by type (a named type so the API document names its schema).</summary>
public sealed class NotificationSettingsResponse : Dictionary<string, ChannelChoice>
{
    public NotificationSettingsResponse()
    {
    }

    public NotificationSettingsResponse(IEnumerable<NotificationSetting> settings)
    {
        foreach (var setting in settings)
        {
            this[setting.EventType] = new ChannelChoice(setting.InApp, setting.Email);
        }
    }
}

public sealed record UnreadCountResponse(long Unread);

public sealed record MarkedResponse(int Marked);

public sealed record MarkReadRequest(long[]? Ids);

/// <summary>One event type's channels; in a PATCH either may be left out.</summary>
public sealed record ChannelChoice(bool? InApp, bool? Email)
{
    /// <summary>A PATCH body: <c>{ "task.assigned": { "email": false }, ... }</c>, merged onto the current settings.</summary>
    public static List<NotificationSetting> Parse(JsonElement body, IReadOnlyDictionary<string, NotificationSetting> current)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw DomainException.Validation("body", "Must be a JSON object of event types.");
        }

        var errors = new FieldErrors();
        var changes = new List<NotificationSetting>();
        foreach (var type in body.EnumerateObject())
        {
            if (!current.TryGetValue(type.Name, out var setting))
            {
                errors.Invalid(type.Name, $"Unknown event type; one of: {string.Join(", ", NotificationTypes.All)}.", 0);
                continue;
            }

            if (type.Value.ValueKind != JsonValueKind.Object)
            {
                errors.Invalid(type.Name, "Must be an object with in_app and/or email.", 0);
                continue;
            }

            foreach (var channel in type.Value.EnumerateObject())
            {
                var on = channel.Value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => (bool?)null,
                };
                setting = (channel.Name, on) switch
                {
                    (NotificationChannels.InApp, { } value) => setting with { InApp = value },
                    (NotificationChannels.Email, { } value) => setting with { Email = value },
                    (NotificationChannels.InApp or NotificationChannels.Email, null) => errors.Invalid($"{type.Name}.{channel.Name}", "Must be true or false.", setting),
                    _ => errors.Invalid($"{type.Name}.{channel.Name}", "Unknown channel; in_app or email.", setting),
                };
            }

            changes.Add(setting);
        }

        errors.ThrowIfInvalid();
        return changes;
    }
}
