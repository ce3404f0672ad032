using System.Text.Json.Serialization;
using Functions.Tasks;
using Functions.TaskStore;

namespace Functions.Api.Tasks;

// Response bodies of the task API, snake_case like the original guide's.

public sealed record ScheduleTaskResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("schedule_arn"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ScheduleArn,
    [property: JsonPropertyName("run_at")] string RunAt,
    [property: JsonPropertyName("scheduled_in_minutes")] long ScheduledInMinutes,
    [property: JsonPropertyName("status")] string Status);

public sealed record TaskResponse(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("run_at")] string RunAt,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("max_attempts")] int MaxAttempts,
    [property: JsonPropertyName("last_status_code"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? LastStatusCode,
    [property: JsonPropertyName("last_error"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastError,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("schedule_arn"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ScheduleArn)
{
    public static TaskResponse From(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new(
            task.TaskId,
            TaskStateMachine.Name(task.Status),
            DynamoTaskStore.Timestamp(task.RunAt),
            task.Url,
            task.Method,
            task.Attempts,
            task.MaxAttempts,
            task.LastStatusCode,
            string.IsNullOrEmpty(task.LastError) ? null : task.LastError,
            DynamoTaskStore.Timestamp(task.CreatedAt),
            DynamoTaskStore.Timestamp(task.UpdatedAt),
            task.ScheduleArn);
    }
}

public sealed record TaskListResponse(
    [property: JsonPropertyName("tasks")] IReadOnlyList<TaskResponse> Tasks,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

public sealed record CancelTaskResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("status")] string Status);
