using System.Security.Claims;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Auth;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Profile;

/// <summary><c>/api/v1/profile</c>: the user's own display name, avatar and preferences.</summary>
public static class ProfileApi
{
    public static IEndpointRouteBuilder MapProfileApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/profile").WithTags("Profile").RequireAuthorization().RequireRateLimit(RateLimitGroups.Profile);

        api.MapGet("/", Get).Describe("getProfile", "The caller's profile").ProducesErrors(401);
        api.MapPatch("/", Update).Accepts<ProfilePatchRequest>("application/json").Describe("updateProfile", "Change display name, avatar or preferences").ProducesErrors(400, 401, 413, 415);

        return app;
    }

    public static async Task<Ok<DataEnvelope<ProfileResponse>>> Get(ClaimsPrincipal user, [AsParameters] AuthServices services) =>
        TypedResults.Ok(new DataEnvelope<ProfileResponse>(ProfileResponse.From(await services.User(user).GetProfile())));

    public static async Task<Ok<DataEnvelope<ProfileResponse>>> Update(JsonElement body, ClaimsPrincipal user, [AsParameters] AuthServices services)
    {
        var changes = ProfilePatchRequest.Parse(body);
        return TypedResults.Ok(new DataEnvelope<ProfileResponse>(ProfileResponse.From(await services.User(user).UpdateProfile(changes))));
    }
}

public sealed record ProfileResponse(
    long Id,
    string Email,
    string? DisplayName,
    string? AvatarUrl,
    [property: FreeFormObject] JsonElement Preferences,
    [property: ClosedSet(typeof(Roles))] string Role,
    bool EmailVerified,
    [property: ClosedSet(typeof(Tiers))] string Tier,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Username)
{
    public static ProfileResponse From(UserProfile p)
    {
        using var preferences = JsonDocument.Parse(p.PreferencesJson);
        return new ProfileResponse(p.Id, p.Email, p.DisplayName, p.AvatarUrl, preferences.RootElement.Clone(), p.Role, p.EmailVerified, p.Tier, p.CreatedAt, p.UpdatedAt, p.Username);
    }
}

/// <summary>
/// A PATCH body: present fields change, <c>null</c> clears, absent fields stay. Fields the user may not set
/// (email, role, tier, verification, ids, times) are refused with a validation error, never ignored.
/// </summary>
public sealed record ProfilePatchRequest(string? DisplayName = null, string? AvatarUrl = null, [property: FreeFormObject] JsonElement? Preferences = null, string? Username = null)
{
    private static readonly HashSet<string> ReadOnlyFields =
        ["id", "email", "role", "tier", "email_verified", "created_at", "updated_at", "subscription_status", "subscription_id", "renews_at", "ends_at", "password", "password_hash"];

    public static ProfileChanges Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw DomainException.Validation("body", "Must be a JSON object.");
        }

        var errors = new Dictionary<string, string[]>();
        var (setName, name) = (false, (string?)null);
        var (setAvatar, avatar) = (false, (string?)null);
        var (setPreferences, preferences) = (false, (string?)null);
        var (setUsername, username) = (false, (string?)null);
        foreach (var field in body.EnumerateObject())
        {
            switch (field.Name)
            {
                case "display_name":
                    (setName, name) = (true, StringOrNull(field, errors));
                    break;
                case "avatar_url":
                    (setAvatar, avatar) = (true, StringOrNull(field, errors));
                    break;
                case "username":
                    (setUsername, username) = (true, StringOrNull(field, errors));
                    break;
                case "preferences" when field.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null:
                    (setPreferences, preferences) = (true, field.Value.ValueKind == JsonValueKind.Null ? null : field.Value.GetRawText());
                    break;
                case "preferences":
                    errors["preferences"] = ["Must be a JSON object or null."];
                    break;
                default:
                    errors[field.Name] = [ReadOnlyFields.Contains(field.Name) ? "This field cannot be changed here." : "Unknown field."];
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw DomainException.Validation(errors);
        }

        return new ProfileChanges(setName, name, setAvatar, avatar, setPreferences, preferences, setUsername, username);
    }

    private static string? StringOrNull(JsonProperty field, Dictionary<string, string[]> errors)
    {
        if (field.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            errors[field.Name] = ["Must be a string or null."];
            return null;
        }

        try
        {
            return field.Value.GetString();
        }
        catch (InvalidOperationException)
        {
            // An unpaired surrogate escape ("\ud800") cannot be decoded: the caller's mistake, not a 500.
            errors[field.Name] = ["Must be valid Unicode text."];
            return null;
        }
    }
}
