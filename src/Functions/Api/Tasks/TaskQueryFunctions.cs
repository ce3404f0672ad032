using System.Globalization;
using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks;
using Functions.TaskStore;
using static Functions.Tasks.TaskSettingNames;

namespace Functions.Api.Tasks;

internal static class TaskIds
{
    /// <summary>Task ids are UUIDv7 in 32 lower-case hex digits.</summary>
    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c));

    public static HttpApiResponse Invalid(string requestId) =>
        HttpResults.BadRequest("task_id", "task_id must be 32 lower-case hexadecimal digits.", requestId);

    /// <summary>The caller's token and the path's task id, checked: null and the id, or the 401/400 to answer.</summary>
    public static HttpApiResponse? Check(ApiAuthenticator auth, HttpApiRequest request, InvocationContext context, out string taskId)
    {
        taskId = request.PathParameter("task_id") ?? string.Empty;
        return auth.Challenge(request) ?? (IsValid(taskId) ? null : Invalid(context.RequestId));
    }

    public static HttpApiResponse NotFound(string taskId, string requestId) =>
        HttpResults.Problem(new ProblemDetails { Title = "Not Found", Status = 404, Detail = $"No task {taskId}.", RequestId = requestId, TaskId = taskId });
}

/// <summary><c>GET /api/v1/tasks/{task_id}</c>: one task's status and last result.</summary>
public sealed class GetTaskFunction(ApiAuthenticator auth, ITaskStore store)
{
    [LambdaFunction("GetTaskFunction", MemorySize = 512, Timeout = 10, Description = "Reads one task.")]
    [HttpApi("GET", "/api/v1/tasks/{task_id}")]
    [Allow(["dynamodb:GetItem"], TaskEnvironment.TableArn, LeadingKeys = ["task#*"])]
    [Allow(["ssm:GetParameter"], TaskEnvironment.ApiTokenParameterArn)]
    [FunctionEnvironment(TableName, TaskEnvironment.Table)]
    [FunctionEnvironment(RetentionDays, TaskEnvironment.RetentionDays)]
    [FunctionEnvironment(ApiTokenParameter, TaskEnvironment.ApiTokenParameter)]
    public async Task<HttpApiResponse> Get(HttpApiRequest request, InvocationContext context)
    {
        if (TaskIds.Check(auth, request, context, out var taskId) is { } refused)
        {
            return refused;
        }

        var task = await store.GetAsync(taskId, context.CancellationToken).ConfigureAwait(false);
        return task is null
            ? TaskIds.NotFound(taskId, context.RequestId)
            : HttpResults.Json(200, TaskResponse.From(task), FunctionsJsonContext.Default.TaskResponse);
    }
}

/// <summary><c>GET /api/v1/tasks?status=&amp;limit=&amp;cursor=</c>: tasks newest first, a page at a time.</summary>
public sealed class ListTasksFunction(ApiAuthenticator auth, ITaskStore store)
{
    [LambdaFunction("ListTasksFunction", MemorySize = 512, Timeout = 10, Description = "Lists tasks newest first, by status or all.")]
    [HttpApi("GET", "/api/v1/tasks")]
    [Allow(["dynamodb:Query"], TaskEnvironment.TableIndexes)]
    [Allow(["ssm:GetParameter"], TaskEnvironment.ApiTokenParameterArn)]
    [FunctionEnvironment(TableName, TaskEnvironment.Table)]
    [FunctionEnvironment(RetentionDays, TaskEnvironment.RetentionDays)]
    [FunctionEnvironment(ApiTokenParameter, TaskEnvironment.ApiTokenParameter)]
    public async Task<HttpApiResponse> List(HttpApiRequest request, InvocationContext context)
    {
        if (auth.Challenge(request) is { } unauthorized)
        {
            return unauthorized;
        }

        TaskState? status = null;
        if (request.QueryParameter("status") is { Length: > 0 } statusText)
        {
            if (!TaskStateMachine.TryParse(statusText, out var parsed))
            {
                return HttpResults.BadRequest("status", $"status must be one of {string.Join(", ", Enum.GetValues<TaskState>().Select(TaskStateMachine.Name))}.", context.RequestId);
            }

            status = parsed;
        }

        var limit = 20;
        if (request.QueryParameter("limit") is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            return HttpResults.BadRequest("limit", "limit must be a whole number from 1 to 100.", context.RequestId);
        }

        try
        {
            var page = await store.ListAsync(status, limit, request.QueryParameter("cursor") is { Length: > 0 } c ? c : null, context.CancellationToken).ConfigureAwait(false);
            return HttpResults.Json(200, new TaskListResponse([.. page.Tasks.Select(TaskResponse.From)], page.NextCursor), FunctionsJsonContext.Default.TaskListResponse);
        }
        catch (FormatException ex)
        {
            return HttpResults.BadRequest("cursor", ex.Message, context.RequestId);
        }
    }
}

/// <summary><c>DELETE /api/v1/tasks/{task_id}</c>: cancel a task that has not started; its schedule is deleted.</summary>
public sealed class CancelTaskFunction(ApiAuthenticator auth, TaskSchedulingService service)
{
    [LambdaFunction("CancelTaskFunction", MemorySize = 512, Timeout = 10, Description = "Cancels a task and deletes its schedule.")]
    [HttpApi("DELETE", "/api/v1/tasks/{task_id}")]
    [Allow(["dynamodb:UpdateItem"], TaskEnvironment.TableArn, LeadingKeys = ["task#*"])]
    [Allow(["scheduler:DeleteSchedule"], TaskEnvironment.GroupSchedules)]
    [Allow(["ssm:GetParameter"], TaskEnvironment.ApiTokenParameterArn)]
    [FunctionEnvironment(TableName, TaskEnvironment.Table)]
    [FunctionEnvironment(RetentionDays, TaskEnvironment.RetentionDays)]
    [FunctionEnvironment(ScheduleGroup, TaskEnvironment.ScheduleGroup)]
    [FunctionEnvironment(SchedulerRoleArn, TaskEnvironment.SchedulerRoleArn)]
    [FunctionEnvironment(ForwarderArn, TaskEnvironment.ForwarderArn)]
    [FunctionEnvironment(DeadLetterQueueArn, TaskEnvironment.DeadLetterQueueArn)]
    [FunctionEnvironment(ApiTokenParameter, TaskEnvironment.ApiTokenParameter)]
    public async Task<HttpApiResponse> Cancel(HttpApiRequest request, InvocationContext context)
    {
        if (TaskIds.Check(auth, request, context, out var taskId) is { } refused)
        {
            return refused;
        }

        return await service.CancelAsync(taskId, context.CancellationToken).ConfigureAwait(false) switch
        {
            CancelResult.Cancelled(var task) => HttpResults.Json(200, new CancelTaskResponse(true, task.TaskId, TaskStateMachine.Name(task.Status)), FunctionsJsonContext.Default.CancelTaskResponse),
            CancelResult.TooLate(var task) => HttpResults.Problem(new ProblemDetails
            {
                Title = "Conflict",
                Status = 409,
                Detail = $"Task {task.TaskId} is {TaskStateMachine.Name(task.Status)} and can no longer be cancelled.",
                RequestId = context.RequestId,
                TaskId = task.TaskId,
                TaskStatus = TaskStateMachine.Name(task.Status),
            }),
            _ => TaskIds.NotFound(taskId, context.RequestId),
        };
    }
}
