using System.Globalization;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Interfaces.Search;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;
using HiveSync.Grains.Projects;
using HiveSync.Grains.Storage;
using HiveSync.Grains.Interfaces.Limits;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace HiveSync.Grains.Tasks;

/// <summary>
/// Tasks, labels, dependencies and attachments of every project. Stateless and reentrant: a task's edits serialise on its
/// row lock in PostgreSQL (one transaction per change, its activity entries inside), numbers on the project's row
/// and dependency additions on the project's lock, so no task needs an activation of its own. Every call first asks
/// the project's grain for the caller's standing.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed partial class TasksGrain(
    TaskStore store,
    DomainClock clock,
    IObjectStorage storage,
    ObjectDeletions deletions,
    IOptions<TierOptions> tiers,
    IOptionsMonitor<AttachmentOptions> attachmentOptions) : Grain, ITasksGrain
{
    public async Task<TaskDetails> Create(long callerId, long projectId, NewTask task)
    {
        var standing = await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        var id = await store.CreateAsync(projectId, standing.Key, callerId, TaskRules.Validate(task), clock.UtcNow);
        return await LoadAsync(projectId, id, standing.Key);
    }

    public async Task<TaskDetails> Describe(long callerId, long projectId, long taskId)
    {
        var standing = await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        return await LoadAsync(projectId, taskId, standing.Key);
    }

    public async Task<TaskDetails> DescribeByNumber(long callerId, long projectId, long number)
    {
        var standing = await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        var id = await store.FindIdByNumberAsync(projectId, number) ?? throw NotFound();
        return await LoadAsync(projectId, id, standing.Key);
    }

    public async Task<TaskDetails> Update(long callerId, long projectId, long taskId, TaskChanges changes, long? expectedVersion = null)
    {
        var standing = await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        var update = await store.UpdateAsync(projectId, standing.Key, taskId, callerId, TaskRules.Validate(changes), expectedVersion, clock.UtcNow);
        if (!update.Found)
        {
            throw NotFound();
        }

        if (update.Stale)
        {
            throw ErrorCodes.Stale();
        }

        if (update.OpenBlockers.Count > 0)
        {
            throw new DomainException(
                ErrorCodes.Conflict,
                "Open blockers: finish them first, or send override_blockers: true.",
                new { open_blockers = update.OpenBlockers.Select(b => ToBlocker(b, standing.Key)) });
        }

        return await LoadAsync(projectId, taskId, standing.Key);
    }

    public async Task Delete(long callerId, long projectId, long taskId, long? expectedVersion = null)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        await deletions.EnsureScheduledAsync(); // its uploads' objects are handed to object_deletions by the delete
        if (!await store.DeleteAsync(projectId, taskId, expectedVersion))
        {
            throw await store.ExistsAsync(projectId, taskId) ? ErrorCodes.Stale() : NotFound();
        }

        await deletions.QueueAsync();
    }

    public async Task<TaskPage> List(long callerId, long projectId, TaskListQuery query)
    {
        var standing = await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        var valid = query with
        {
            Text = TaskRules.Query(query.Text),
            Priority = query.Priority is null ? null : TaskRules.Priority(query.Priority),
            Statuses = [.. query.Statuses.Select(s => TaskRules.Status(s))],
        };
        var (rows, total) = await store.ListAsync(projectId, valid);
        var blockers = await store.OpenBlockersAsync([.. rows.Select(r => r.Id)]);
        return new TaskPage([.. rows.Select(r => ToDetails(r, standing.Key, blockers))], total);
    }

    public async Task<IReadOnlyList<TaskActivityEntry>> Activity(long callerId, long projectId, long taskId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        await RequireTaskAsync(projectId, taskId);
        return await store.ActivityAsync(taskId);
    }

    public async Task<IReadOnlyList<TaskLabel>> ListLabels(long callerId, long projectId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        return [.. (await store.ListLabelsAsync(projectId)).Select(TaskStore.ToLabel)];
    }

    public async Task<TaskLabel> GetLabel(long callerId, long projectId, long labelId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        var label = await store.GetLabelAsync(projectId, labelId) ?? throw LabelNotFound();
        return TaskStore.ToLabel(label);
    }

    public async Task<TaskLabel> AddLabel(long callerId, long projectId, string name, string color)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        var labelName = TaskRules.LabelName(name);
        var label = await store.AddLabelAsync(projectId, labelName, TaskRules.LabelColor(color), clock.UtcNow)
            ?? throw new DomainException(ErrorCodes.Conflict, $"The project already has a label named '{labelName}'.");
        return TaskStore.ToLabel(label);
    }

    public async Task RemoveLabel(long callerId, long projectId, long labelId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Admin, write: true);
        if (!await store.RemoveLabelAsync(projectId, labelId))
        {
            throw LabelNotFound();
        }
    }

    public async Task<TaskDetails> AddDependency(long callerId, long projectId, long taskId, long otherTaskId)
    {
        var standing = await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        if (taskId == otherTaskId)
        {
            throw DomainException.Validation("other_task_id", "A task cannot depend on itself.");
        }

        if (await store.AddDependencyAsync(projectId, taskId, otherTaskId, clock.UtcNow) is { } cycle)
        {
            throw new DomainException(
                ErrorCodes.Conflict,
                $"This would close a cycle: {string.Join(" → ", cycle.Select(id => id.ToString(CultureInfo.InvariantCulture)))}.",
                new { cycle });
        }

        return await LoadAsync(projectId, taskId, standing.Key);
    }

    public async Task RemoveDependency(long callerId, long projectId, long taskId, long otherTaskId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        await RequireTaskAsync(projectId, taskId);
        await store.RemoveDependencyAsync(projectId, taskId, otherTaskId);
    }

    public async Task<SearchPage> Search(long callerId, SearchQuery query)
    {
        query = FullTextSearch.Validate(query);
        var reach = await GrainFactory.GetProjectDirectory().SearchReach(callerId, query.ProjectId);
        var statuses = query.Statuses.Select(s => TaskRules.Status(s)).ToArray();
        var (rows, total) = await store.SearchAsync([.. reach.Keys], query.Text, statuses, query.Offset, query.Limit);
        return new SearchPage([.. rows.Select(r => new SearchHit("task", r.Id, r.ProjectId, r.Title, r.Snippet, r.Rank, Key: KeyOf(reach[r.ProjectId], r.Number ?? 0), Status: r.Status))], total);
    }

    private Task<ProjectStanding> RequireAsync(long callerId, long projectId, string atLeast, bool write = false) =>
        GrainFactory.RequireAsync(callerId, projectId, atLeast, write);

    private async Task RequireTaskAsync(long projectId, long taskId)
    {
        if (!await store.ExistsAsync(projectId, taskId))
        {
            throw NotFound();
        }
    }

    private async Task<TaskDetails> LoadAsync(long projectId, long taskId, string projectKey)
    {
        var row = await store.FindAsync(projectId, taskId) ?? throw NotFound();
        return ToDetails(row, projectKey, await store.OpenBlockersAsync([taskId]));
    }

    private static TaskDetails ToDetails(TaskRow row, string projectKey, List<BlockerRow> blockers) => new(
        row.Id,
        row.ProjectId,
        row.Number,
        KeyOf(projectKey, row.Number),
        row.Title,
        row.Description,
        row.Status,
        row.Priority,
        row.AssigneeIds,
        row.LabelIds,
        row.DueDate is { } due ? DateOnly.FromDateTime(due) : null,
        row.DependsOn,
        [.. blockers.Where(b => b.TaskId == row.Id).Select(b => ToBlocker(b, projectKey))],
        row.CreatedBy,
        row.CreatedAt.AsUtc(),
        row.UpdatedAt.AsUtc(),
        row.CompletedAt?.AsUtc(),
        row.Version);

    private static TaskBlocker ToBlocker(BlockerRow b, string projectKey) => new(b.Id, b.Number, KeyOf(projectKey, b.Number), b.Title, b.Status);

    private static string KeyOf(string projectKey, long number) => string.Create(CultureInfo.InvariantCulture, $"{projectKey}-{number}");

    private static DomainException NotFound() => new(ErrorCodes.TaskNotFound, "This project has no such task.");

    private static DomainException LabelNotFound() => new(ErrorCodes.LabelNotFound, "This project has no such label.");
}
