using System.Text.RegularExpressions;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Tasks;

/// <summary>What a task, a label, a link and a task list query may be.</summary>
public static partial class TaskRules
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 20_000;
    public const int LabelNameMaxLength = 50;
    public const int LinkNameMaxLength = 200;
    public const int UrlMaxLength = 2048;
    public const int MaxIdsPerList = 50;

    public static NewTask Validate(NewTask task) => new(
        Title(task.Title),
        Description(task.Description),
        Status(task.Status),
        Priority(task.Priority),
        Ids(task.AssigneeIds, "assignee_ids"),
        Ids(task.LabelIds, "label_ids"),
        task.DueDate);

    public static TaskChanges Validate(TaskChanges changes) => changes with
    {
        Title = changes.Title is null ? null : Title(changes.Title),
        Description = changes.Description is null ? null : Description(changes.Description),
        Status = changes.Status is null ? null : Status(changes.Status),
        Priority = changes.Priority is null ? null : Priority(changes.Priority),
        AssigneeIds = changes.AssigneeIds is null ? null : Ids(changes.AssigneeIds, "assignee_ids"),
        LabelIds = changes.LabelIds is null ? null : Ids(changes.LabelIds, "label_ids"),
    };

    public static string Title(string? value) => TextRules.Text(value, "title", TitleMaxLength);

    public static string Description(string? value) => TextRules.Text(value ?? "", "description", DescriptionMaxLength, allowEmpty: true, multiLine: true);

    public static string Status(string? value, string field = "status") => TaskStatuses.All.Contains(value ?? "")
        ? value!
        : throw DomainException.Validation(field, $"Must be one of: {string.Join(", ", TaskStatuses.All)}.");

    public static string Priority(string? value, string field = "priority") => TaskPriorities.All.Contains(value ?? "")
        ? value!
        : throw DomainException.Validation(field, $"Must be one of: {string.Join(", ", TaskPriorities.All)}.");

    public static string LabelName(string? value) => TextRules.Text(value, "name", LabelNameMaxLength);

    public static string LabelColor(string? value) => value is not null && Color().IsMatch(value)
        ? value.ToLowerInvariant()
        : throw DomainException.Validation("color", "Must be a colour as #RRGGBB.");

    /// <summary>A link: an https URL on the public internet (see <see cref="PublicAddresses"/>), named by the caller or after its host.</summary>
    public static (string Url, string Name) Link(string? url, string? name)
    {
        if (url is null || !PublicAddresses.IsPublicHttpsUrl(url, UrlMaxLength, out var parsed))
        {
            throw DomainException.Validation("url", $"Must be an absolute https URL of at most {UrlMaxLength} characters, without credentials, to a public host (not loopback, private or link-local).");
        }

        return (parsed!.AbsoluteUri, name is null ? parsed.Host : TextRules.Text(name, "name", LinkNameMaxLength));
    }

    public static string? Query(string? value) => TextRules.Query(value);

    private static List<long> Ids(IReadOnlyList<long>? ids, string field)
    {
        var distinct = (ids ?? []).Distinct().ToList();
        return distinct.Count <= MaxIdsPerList && distinct.All(id => id > 0)
            ? distinct
            : throw DomainException.Validation(field, $"Must be at most {MaxIdsPerList} positive ids.");
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex Color();
}
