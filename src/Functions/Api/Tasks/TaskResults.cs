using System.Diagnostics.CodeAnalysis;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Scheduling;

namespace Functions.Api.Tasks;

/// <summary>The task API's answers: each domain result as its HTTP status and body (problem+json for the refusals).</summary>
public static class TaskResults
{
    public static HttpApiResponse Scheduled(ScheduleResult result, string requestId)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result switch
        {
            // A replay answers as the first request did (202, same task), marked as a replay
            // (draft-ietf-httpapi-idempotency-key-header; Idempotent-Replayed as Stripe and others send it).
            ScheduleResult.Accepted(var task, var replayed, var minutes) => HttpResults.Json(
                202,
                new ScheduleTaskResponse(true, "Task scheduled successfully", task.TaskId, task.ScheduleArn, Timestamps.Format(task.RunAt), minutes, TaskStateMachine.Name(task.Status)),
                FunctionsJsonContext.Default.ScheduleTaskResponse,
                replayed
                    ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["location"] = TaskLocation(task.TaskId), ["idempotent-replayed"] = "true" }
                    : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["location"] = TaskLocation(task.TaskId) }),
            ScheduleResult.Invalid(var errors) => HttpResults.ValidationProblem(errors, requestId),
            ScheduleResult.KeyReused(var existing) => HttpResults.Problem(new ProblemDetails
            {
                Title = "Unprocessable Content",
                Status = 422,
                Detail = "This idempotency_key was used for a different request.",
                RequestId = requestId,
                TaskId = existing,
                Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["idempotency_key"] = ["was used for a different request"] },
            }),
            ScheduleResult.KeyInFlight(var existing) => HttpResults.Problem(
                new ProblemDetails
                {
                    Title = "Conflict",
                    Status = 409,
                    Detail = "The first request with this idempotency_key is still being accepted; try again in a moment.",
                    RequestId = requestId,
                    TaskId = existing,
                    Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["idempotency_key"] = ["its first request is still in flight"] },
                },
                new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["retry-after"] = "1" }),
            ScheduleResult.WakeUpFailed(var task, var errorType, var busy) => HttpResults.Problem(
                new ProblemDetails
                {
                    Title = busy ? "Service Unavailable" : "Bad Gateway",
                    Status = busy ? 503 : 502,
                    Detail = $"The task's wake-up could not be armed ({errorType}); the task was not scheduled and is marked failed.",
                    RequestId = requestId,
                    TaskId = task?.TaskId,
                    TaskStatus = task is null ? null : TaskStateMachine.Name(task.Status),
                },
                busy ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["retry-after"] = "1" } : null),
            _ => throw new ArgumentOutOfRangeException(nameof(result), "Unknown schedule result."),
        };
    }

    /// <summary>Where a task is read: the Location of a 202.</summary>
    public static string TaskLocation(string taskId) => "/api/v1/tasks/" + taskId;

    public static HttpApiResponse Found(TaskRecord? task, string taskId, string requestId) => task is null
        ? NotFound(taskId, requestId)
        : HttpResults.Json(200, TaskResponse.Detailed(task), FunctionsJsonContext.Default.TaskResponse);

    public static HttpApiResponse Listed(ListResult result, string requestId) => result switch
    {
        ListResult.Listed(var page) => HttpResults.Json(200, new TaskListResponse([.. page.Tasks.Select(TaskResponse.From)], page.NextCursor), FunctionsJsonContext.Default.TaskListResponse),
        ListResult.BadCursor(var message) => HttpResults.BadRequest("cursor", message, requestId),
        ListResult.Forbidden(var message) => HttpResults.Problem(new ProblemDetails
        {
            Title = "Forbidden",
            Status = 403,
            Detail = message,
            RequestId = requestId,
            Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["caller"] = [message] },
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(result), "Unknown list result."),
    };

    public static HttpApiResponse Cancelled(CancelResult result, string taskId, string requestId) => result switch
    {
        CancelResult.Cancelled(var task) => HttpResults.Json(200, new CancelTaskResponse(true, task.TaskId, TaskStateMachine.Name(task.Status)), FunctionsJsonContext.Default.CancelTaskResponse),
        CancelResult.TooLate(var task) => TaskProblem(409, "Conflict", task, $"Task {task.TaskId} is {TaskStateMachine.Name(task.Status)} and can no longer be cancelled.", requestId),
        _ => NotFound(taskId, requestId),
    };

    public static HttpApiResponse Retried(RetryResult result, string taskId, string requestId) => result switch
    {
        RetryResult.Retried(var task) => HttpResults.Json(
            202,
            TaskResponse.From(task),
            FunctionsJsonContext.Default.TaskResponse,
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["location"] = TaskLocation(task.TaskId) }),
        RetryResult.Invalid(var errors) => HttpResults.ValidationProblem(errors, requestId),
        RetryResult.WrongState(var task, var forceWouldDo) => TaskProblem(
            409,
            "Conflict",
            task,
            forceWouldDo
                ? $"Task {task.TaskId} is succeeded; send \"force\": true to deliver it again."
                : $"Task {task.TaskId} is {TaskStateMachine.Name(task.Status)}; only a failed task (or a succeeded one, forced) can be retried.",
            requestId),
        RetryResult.WakeUpFailed(var task, var errorType) => TaskProblem(
            503,
            "Service Unavailable",
            task,
            $"The retry is recorded (the task is pending) but its wake-up could not be armed ({errorType}); the sweeper arms it within five minutes of run_at.",
            requestId,
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["retry-after"] = "1" }),
        _ => NotFound(taskId, requestId),
    };

    /// <summary>A refusal about one task in its current state: problem+json naming the task and its status.</summary>
    private static HttpApiResponse TaskProblem(int status, string title, TaskRecord task, string detail, string requestId, IReadOnlyDictionary<string, string>? headers = null) =>
        HttpResults.Problem(
            new ProblemDetails
            {
                Title = title,
                Status = status,
                Detail = detail,
                RequestId = requestId,
                TaskId = task.TaskId,
                TaskStatus = TaskStateMachine.Name(task.Status),
            },
            headers);

    /// <summary>The path's task id when it is one (<see cref="TaskIds.IsValid"/>); otherwise the 400 naming it.</summary>
    public static bool TryTaskId(HttpApiRequest request, string requestId, [NotNullWhen(true)] out string? taskId, [NotNullWhen(false)] out HttpApiResponse? invalid)
    {
        ArgumentNullException.ThrowIfNull(request);
        taskId = request.PathParameter("task_id");
        invalid = TaskIds.IsValid(taskId) ? null : HttpResults.BadRequest("task_id", "task_id must be 32 lower-case hexadecimal digits.", requestId);
        return invalid is null;
    }

    public static HttpApiResponse NotFound(string taskId, string requestId) =>
        HttpResults.Problem(new ProblemDetails { Title = "Not Found", Status = 404, Detail = $"No task {taskId}.", RequestId = requestId, TaskId = taskId });
}
