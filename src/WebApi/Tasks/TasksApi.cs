using System.Text.Json;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Projects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Tasks;

/// <summary><c>/api/v1/projects/{project_id}/tasks</c>: a project's tasks, their history and what they wait for.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder project)
    {
        var tasks = project.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapGet("/", List).Describe("listTasks", "A project's tasks, filtered, sorted and paged").ProducesErrors(400);
        tasks.MapPost("/", Create).WithIdempotency().Describe("createTask", "Create a task (member)").ProducesErrors(400, 403, 409, 413, 415);
        tasks.MapGet("/{task_id:long}", Get).Describe("getTask", "A task").ProducesErrors();
        tasks.MapGet("/number/{number:long}", GetByNumber).Describe("getTaskByNumber", "A task by its number in the project (HIVE-42: 42)").ProducesErrors();
        tasks.MapPatch("/{task_id:long}", Update).Accepts<TaskPatchRequest>("application/json").Describe("updateTask", "Change a task (member); If-Match: only at that ETag").ProducesErrors(400, 403, 409, 412, 413, 415);
        tasks.MapDelete("/{task_id:long}", Delete).Describe("deleteTask", "Delete a task (member); If-Match: only at that ETag").ProducesErrors(403, 409, 412);
        tasks.MapGet("/{task_id:long}/activity", Activity).Describe("listTaskActivity", "Who changed which field of a task, oldest first").ProducesErrors(400);
        tasks.MapPost("/{task_id:long}/depends-on/{other_task_id:long}", AddDependency).Describe("addTaskDependency", "Make a task wait for another of the project (member)").ProducesErrors(400, 403, 409);
        tasks.MapDelete("/{task_id:long}/depends-on/{other_task_id:long}", RemoveDependency).Describe("removeTaskDependency", "Stop a task waiting for another (member)").ProducesErrors(403, 409);
        tasks.MapTaskLabelsApi();
        tasks.MapTaskAttachmentsApi();
        return project;
    }

    public static async Task<Ok<PageEnvelope<TaskResponse>>> List([AsParameters] TaskListParameters parameters, [AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var found = await scope.Grains.GetTasks().List(scope.CallerId, scope.ProjectId, parameters.ToQuery(page));
        return TypedResults.Ok(new PageEnvelope<TaskResponse>([.. found.Items.Select(TaskResponse.From)], found.Total, page.Page, page.PageSize));
    }

    public static async Task<Created<DataEnvelope<TaskResponse>>> Create(CreateTaskRequest request, [AsParameters] ProjectScope scope)
    {
        var task = await scope.Grains.GetTasks().Create(scope.CallerId, scope.ProjectId, request.ToNewTask());
        return TypedResults.Created($"{HiveSyncApi.ApiBasePath}/projects/{task.ProjectId}/tasks/{task.Id}", Data(scope, task).Value!);
    }

    public static async Task<Ok<DataEnvelope<TaskResponse>>> Get([FromRoute(Name = "task_id")] long taskId, [AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Grains.GetTasks().Describe(scope.CallerId, scope.ProjectId, taskId));

    public static async Task<Ok<DataEnvelope<TaskResponse>>> GetByNumber(long number, [AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Grains.GetTasks().DescribeByNumber(scope.CallerId, scope.ProjectId, number));

    public static async Task<Ok<DataEnvelope<TaskResponse>>> Update([FromRoute(Name = "task_id")] long taskId, JsonElement body, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, [AsParameters] ProjectScope scope)
    {
        var expected = scope.Http.ExpectedVersion(EntityTags.Task, taskId);
        var changes = TaskPatchRequest.Parse(body, json.Value.SerializerOptions);
        return Data(scope, await scope.Grains.GetTasks().Update(scope.CallerId, scope.ProjectId, taskId, changes, expected));
    }

    public static async Task<NoContent> Delete([FromRoute(Name = "task_id")] long taskId, [AsParameters] ProjectScope scope)
    {
        await scope.Grains.GetTasks().Delete(scope.CallerId, scope.ProjectId, taskId, scope.Http.ExpectedVersion(EntityTags.Task, taskId));
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PageEnvelope<ActivityResponse>>> Activity([FromRoute(Name = "task_id")] long taskId, [AsParameters] PageQuery paging, [AsParameters] ProjectScope scope)
    {
        var page = paging.Validate(scope.Http);
        var entries = await scope.Grains.GetTasks().Activity(scope.CallerId, scope.ProjectId, taskId);
        return TypedResults.Ok(entries.Select(ActivityResponse.From).ToList().ToPage(page));
    }

    public static async Task<Ok<DataEnvelope<TaskResponse>>> AddDependency([FromRoute(Name = "task_id")] long taskId, [FromRoute(Name = "other_task_id")] long otherTaskId, [AsParameters] ProjectScope scope) =>
        Data(scope, await scope.Grains.GetTasks().AddDependency(scope.CallerId, scope.ProjectId, taskId, otherTaskId));

    public static async Task<NoContent> RemoveDependency([FromRoute(Name = "task_id")] long taskId, [FromRoute(Name = "other_task_id")] long otherTaskId, [AsParameters] ProjectScope scope)
    {
        await scope.Grains.GetTasks().RemoveDependency(scope.CallerId, scope.ProjectId, taskId, otherTaskId);
        return TypedResults.NoContent();
    }

    /// <summary>A task's answer, with its ETag.</summary>
    private static Ok<DataEnvelope<TaskResponse>> Data(ProjectScope scope, TaskDetails task) =>
        scope.Http.Tagged(TypedResults.Ok(new DataEnvelope<TaskResponse>(TaskResponse.From(task))), EntityTags.Task, task.Id, task.Version);
}
