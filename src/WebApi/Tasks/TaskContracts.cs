using System.Globalization;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.WebApi.Platform;
using Microsoft.AspNetCore.Mvc;

namespace HiveSync.WebApi.Tasks;

public sealed record TaskBlockerResponse(long Id, long Number, string Key, string Title, [property: ClosedSet(typeof(TaskStatuses))] string Status);

public sealed record TaskResponse(
    long Id,
    long ProjectId,
    long Number,
    string Key,
    string Title,
    string Description,
    [property: ClosedSet(typeof(TaskStatuses))] string Status,
    [property: ClosedSet(typeof(TaskPriorities))] string Priority,
    IReadOnlyList<long> AssigneeIds,
    IReadOnlyList<long> LabelIds,
    DateOnly? DueDate,
    IReadOnlyList<long> DependsOn,
    IReadOnlyList<TaskBlockerResponse> OpenBlockers,
    long CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt)
{
    public static TaskResponse From(TaskDetails t) => new(
        t.Id, t.ProjectId, t.Number, t.Key, t.Title, t.Description, t.Status, t.Priority, t.AssigneeIds, t.LabelIds, t.DueDate, t.DependsOn,
        [.. t.OpenBlockers.Select(b => new TaskBlockerResponse(b.Id, b.Number, b.Key, b.Title, b.Status))], t.CreatedBy, t.CreatedAt, t.UpdatedAt, t.CompletedAt);
}

public sealed record LabelResponse(long Id, string Name, string Color, DateTimeOffset CreatedAt)
{
    public static LabelResponse From(TaskLabel l) => new(l.Id, l.Name, l.Color, l.CreatedAt);
}

public sealed record ActivityResponse(long Id, long ActorId, string Field, JsonElement OldValue, JsonElement NewValue, DateTimeOffset OccurredAt)
{
    public static ActivityResponse From(TaskActivityEntry a) => new(a.Id, a.ActorId, a.Field, Parse(a.OldValueJson), Parse(a.NewValueJson), a.OccurredAt);

    private static JsonElement Parse(string? json)
    {
        using var document = JsonDocument.Parse(json ?? "null");
        return document.RootElement.Clone();
    }
}

public sealed record CreateTaskRequest(
    string? Title,
    string? Description = null,
    [property: ClosedSet(typeof(TaskStatuses))] string? Status = null,
    [property: ClosedSet(typeof(TaskPriorities))] string? Priority = null,
    long[]? AssigneeIds = null,
    long[]? LabelIds = null,
    DateOnly? DueDate = null)
{
    public NewTask ToNewTask() => new(Title ?? "", Description ?? "", Status ?? TaskStatuses.Todo, Priority ?? TaskPriorities.Medium, AssigneeIds ?? [], LabelIds ?? [], DueDate);
}

public sealed record LabelRequest(string? Name, string? Color);

/// <summary>A PATCH of a task: present fields change; <c>due_date: null</c> clears; anything unknown is refused.</summary>
public sealed record TaskPatchRequest(
    string? Title = null,
    string? Description = null,
    [property: ClosedSet(typeof(TaskStatuses))] string? Status = null,
    [property: ClosedSet(typeof(TaskPriorities))] string? Priority = null,
    long[]? AssigneeIds = null,
    long[]? LabelIds = null,
    DateOnly? DueDate = null,
    bool? OverrideBlockers = null)
{
    public static TaskChanges Parse(JsonElement body, JsonSerializerOptions json)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw DomainException.Validation("body", "Must be a JSON object.");
        }

        var errors = new Dictionary<string, string[]>();
        var changes = new TaskChanges();
        foreach (var field in body.EnumerateObject())
        {
            try
            {
                changes = field.Name switch
                {
                    "title" => changes with { Title = Required<string>(field.Value, json) },
                    "description" => changes with { Description = Required<string>(field.Value, json) },
                    "status" => changes with { Status = Required<string>(field.Value, json) },
                    "priority" => changes with { Priority = Required<string>(field.Value, json) },
                    "assignee_ids" => changes with { AssigneeIds = Required<long[]>(field.Value, json) },
                    "label_ids" => changes with { LabelIds = Required<long[]>(field.Value, json) },
                    "due_date" => changes with { SetDueDate = true, DueDate = field.Value.Deserialize<DateOnly?>(json) },
                    "override_blockers" => changes with { OverrideBlockers = field.Value.Deserialize<bool>(json) },
                    _ => throw new KeyNotFoundException(),
                };
            }
            catch (KeyNotFoundException)
            {
                errors[field.Name] = ["This field is unknown or may not be set."];
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                errors[field.Name] = ["The value is malformed or has the wrong type."];
            }
        }

        return errors.Count > 0 ? throw DomainException.Validation(errors) : changes;
    }

    private static T Required<T>(JsonElement value, JsonSerializerOptions json) => value.ValueKind == JsonValueKind.Null
        ? throw new JsonException("null")
        : value.Deserialize<T>(json) ?? throw new JsonException("null");
}

/// <summary>The list's query parameters, read as text so a bad value is a 400 naming the parameter.</summary>
public sealed class TaskListParameters
{
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [FromQuery(Name = "assignee")]
    public string? Assignee { get; init; }

    [FromQuery(Name = "labels")]
    public string? Labels { get; init; }

    [FromQuery(Name = "priority")]
    public string? Priority { get; init; }

    [FromQuery(Name = "due_before")]
    public string? DueBefore { get; init; }

    [FromQuery(Name = "due_after")]
    public string? DueAfter { get; init; }

    [FromQuery(Name = "sort")]
    public string? Sort { get; init; }

    private static readonly Dictionary<string, TaskSort> SortKeys = new()
    {
        ["number"] = TaskSort.Number,
        ["created"] = TaskSort.Created,
        ["updated"] = TaskSort.Updated,
        ["due"] = TaskSort.Due,
        ["priority"] = TaskSort.Priority,
        ["title"] = TaskSort.Title,
    };

    public TaskListQuery ToQuery(PageRequest page)
    {
        var read = new FieldErrors();
        var statuses = Split(Status);
        if (statuses.Any(s => !TaskStatuses.All.Contains(s)))
        {
            read.Invalid("status", $"Must be one or more of: {string.Join(", ", TaskStatuses.All)}, comma-separated.", 0);
        }

        if (Priority is not null && !TaskPriorities.All.Contains(Priority))
        {
            read.Invalid("priority", $"Must be one of: {string.Join(", ", TaskPriorities.All)}.", 0);
        }

        long? assignee = Assignee is null ? null
            : long.TryParse(Assignee, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) && userId > 0 ? userId
            : read.Invalid<long?>("assignee", "Must be a user id.");
        var labels = new List<long>();
        foreach (var part in Split(Labels))
        {
            labels.Add(long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : read.Invalid("labels", "Must be label ids, comma-separated.", 0L));
        }

        var (sort, descending) = read.Sort(Sort, SortKeys, TaskSort.Number);
        var dueBefore = Date(DueBefore, "due_before", read);
        var dueAfter = Date(DueAfter, "due_after", read);
        read.ThrowIfInvalid();
        return new TaskListQuery(statuses, assignee, labels.Distinct().ToList(), Priority, dueBefore, dueAfter, Q, sort, descending, page.Offset, page.PageSize);
    }

    private static List<string> Split(string? value) =>
        string.IsNullOrEmpty(value) ? [] : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct()];

    private static DateOnly? Date(string? value, string name, FieldErrors read) =>
        value is null ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : read.Invalid<DateOnly?>(name, "Must be a date as YYYY-MM-DD.");
}
