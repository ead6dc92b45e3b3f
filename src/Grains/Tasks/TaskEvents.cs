using Dapper;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Notifications;
using Npgsql;

namespace HiveSync.Grains.Tasks;

/// <summary>A task as its notifications show it.</summary>
public sealed record TaskRef(long ProjectId, string ProjectKey, long Id, long Number, string Title)
{
    public object Payload => new { project_key = ProjectKey, task_key = $"{ProjectKey}-{Number}", task_title = Title };
}

/// <summary>The notifications tasks cause, written inside the change's own transaction.</summary>
public static class TaskEvents
{
    public static Task AssignedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TaskRef task, long actorId, IReadOnlyList<long> newAssignees, DateTime now) =>
        NotificationStore.AddAsync(connection, tx, [.. newAssignees.Select(u => new NewNotification(u, NotificationTypes.TaskAssigned, actorId, task.ProjectId, task.Payload, task.Id))], now);

    /// <summary>The assignees of every task waiting for <paramref name="blocker"/>, now that it is done.</summary>
    public static async Task BlockerDoneAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TaskRef blocker, long actorId, DateTime now)
    {
        var waiting = await connection.QueryAsync<(long TaskId, long Number, string Title, long UserId)>(
            """
            SELECT t.id, t.number, t.title, a.user_id
            FROM task_dependencies d JOIN tasks t ON t.id = d.task_id JOIN task_assignees a ON a.task_id = d.task_id
            WHERE d.depends_on = @id
            """,
            new { blocker.Id },
            tx);
        var notices = waiting.Select(w => new NewNotification(
            w.UserId,
            NotificationTypes.BlockerDone,
            actorId,
            blocker.ProjectId,
            new { project_key = blocker.ProjectKey, task_key = $"{blocker.ProjectKey}-{w.Number}", task_title = w.Title, blocker_key = $"{blocker.ProjectKey}-{blocker.Number}", blocker_title = blocker.Title },
            w.TaskId)).ToList();
        await NotificationStore.AddAsync(connection, tx, notices, now);
    }
}
