using System.Globalization;
using System.Text.Json;
using HiveSync.Grains.Interfaces.Tasks;

namespace HiveSync.Grains.Tasks;

/// <summary>Which fields a PATCH changes, from what to what, as the JSON values the activity history keeps.</summary>
public static class TaskChangeLog
{
    public static List<(string Field, string? Old, string? New)> Diff(TaskRow row, TaskChanges changes)
    {
        var changed = new List<(string, string?, string?)>();
        Text("title", row.Title, changes.Title);
        Text("description", row.Description, changes.Description);
        Text("status", row.Status, changes.Status);
        Text("priority", row.Priority, changes.Priority);
        Ids("assignee_ids", row.AssigneeIds, changes.AssigneeIds);
        Ids("label_ids", row.LabelIds, changes.LabelIds);
        var due = row.DueDate is { } d ? DateOnly.FromDateTime(d) : (DateOnly?)null;
        if (changes.SetDueDate && changes.DueDate != due)
        {
            changed.Add(("due_date", Date(due), Date(changes.DueDate)));
        }

        return changed;

        void Text(string field, string current, string? next)
        {
            if (next is not null && next != current)
            {
                changed.Add((field, JsonSerializer.Serialize(current), JsonSerializer.Serialize(next)));
            }
        }

        void Ids(string field, long[] current, IReadOnlyList<long>? next)
        {
            if (next is not null && !next.Order().SequenceEqual(current.Order()))
            {
                changed.Add((field, JsonSerializer.Serialize(current.Order()), JsonSerializer.Serialize(next.Order())));
            }
        }
    }

    private static string Date(DateOnly? date) => date is { } d ? JsonSerializer.Serialize(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : "null";
}
