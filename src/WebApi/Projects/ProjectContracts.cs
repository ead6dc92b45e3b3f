using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.WebApi.Platform;
using Microsoft.AspNetCore.Mvc;

namespace HiveSync.WebApi.Projects;

public sealed record ProjectResponse(
    long Id,
    string Key,
    string Name,
    string Description,
    [property: ClosedSet(typeof(ProjectRoles))] string Role,
    bool IsFavorite,
    bool Archived,
    DateTimeOffset? ArchivedAt,
    IReadOnlyList<string> Tags,
    int MemberCount,
    long CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProjectResponse From(ProjectView view)
    {
        var p = view.Project;
        return new(p.Id, p.Key, p.Name, p.Description, view.Role, view.IsFavorite, p.ArchivedAt is not null, p.ArchivedAt, p.Tags, p.MemberCount, p.CreatedBy, p.CreatedAt, p.UpdatedAt);
    }
}

public sealed record TagResponse(long Id, string Name, DateTimeOffset CreatedAt)
{
    public static TagResponse From(ProjectTag tag) => new(tag.Id, tag.Name, tag.CreatedAt);
}

public sealed record MemberResponse(long UserId, string Email, string? DisplayName, string? Username, [property: ClosedSet(typeof(ProjectRoles))] string Role, DateTimeOffset JoinedAt)
{
    public static MemberResponse From(ProjectMember m) => new(m.UserId, m.Email, m.DisplayName, m.Username, m.Role, m.JoinedAt);
}

/// <summary>An invitation of an address: it becomes membership when the address's owner verifies it.</summary>
public sealed record InvitationResponse(
    long Id,
    string Email,
    [property: ClosedSet(typeof(ProjectRoles))] string Role,
    [property: ClosedSet(typeof(InvitationStatuses))] string Status,
    long InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset SentAt,
    DateTimeOffset ExpiresAt)
{
    public static InvitationResponse From(ProjectInvitation i) => new(i.Id, i.Email, i.Role, i.Status, i.InvitedBy, i.CreatedAt, i.SentAt, i.ExpiresAt);
}

public sealed record CreateProjectRequest(string? Name, string? Description = null, string? Key = null);

public sealed record TagRequest(string? Name);

/// <summary>Who to add: <c>email</c> or <c>username</c> (exactly one), and the role.</summary>
public sealed record InviteRequest(string? Email = null, [property: ClosedSet(typeof(ProjectRoles))] string? Role = null, string? Username = null);

public sealed record RoleRequest([property: ClosedSet(typeof(ProjectRoles))] string? Role);

/// <summary>A PATCH of a project: present fields change (strings only), absent fields stay; anything else is refused.</summary>
public sealed record ProjectPatchRequest(string? Name = null, string? Description = null)
{
    public static ProjectChanges Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw DomainException.Validation("body", "Must be a JSON object.");
        }

        string? name = null, description = null;
        var errors = new Dictionary<string, string[]>();
        foreach (var field in body.EnumerateObject())
        {
            var text = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null;
            switch (field.Name)
            {
                case "name" when text is not null:
                    name = text;
                    break;
                case "description" when text is not null:
                    description = text;
                    break;
                case "name" or "description":
                    errors[field.Name] = ["Must be a string."];
                    break;
                default:
                    errors[field.Name] = ["This field is unknown or may not be set."];
                    break;
            }
        }

        return errors.Count > 0 ? throw DomainException.Validation(errors) : new ProjectChanges(name, description);
    }
}

/// <summary>The list's query parameters, read as text so a bad value is a 400 naming the parameter.</summary>
public sealed class ProjectListParameters
{
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    [FromQuery(Name = "favorites")]
    public string? Favorites { get; init; }

    [FromQuery(Name = "tag")]
    public string? Tag { get; init; }

    [FromQuery(Name = "role")]
    public string? Role { get; init; }

    [FromQuery(Name = "archived")]
    public string? Archived { get; init; }

    [FromQuery(Name = "sort")]
    public string? Sort { get; init; }

    private static readonly Dictionary<string, ProjectSort> SortKeys = new()
    {
        ["name"] = ProjectSort.Name,
        ["created"] = ProjectSort.Created,
        ["updated"] = ProjectSort.Updated,
    };

    public ProjectListQuery ToQuery(PageRequest page)
    {
        var read = new FieldErrors();
        var favorites = Favorites switch
        {
            null or "false" => false,
            "true" => true,
            _ => read.Invalid("favorites", "Must be true or false.", false),
        };
        var archived = Archived switch
        {
            null or "false" => ArchivedFilter.Active,
            "true" => ArchivedFilter.ArchivedOnly,
            "all" => ArchivedFilter.All,
            _ => read.Invalid("archived", "Must be false, true or all.", ArchivedFilter.Active),
        };
        var (sort, descending) = read.Sort(Sort, SortKeys, ProjectSort.Updated);
        if (Role is not null && !ProjectRoles.IsKnown(Role))
        {
            read.Invalid("role", $"Must be one of: {string.Join(", ", ProjectRoles.All)}.", 0);
        }

        read.ThrowIfInvalid();
        return new ProjectListQuery(Q, favorites, Tag, Role, archived, sort, descending, page.Offset, page.PageSize);
    }
}
