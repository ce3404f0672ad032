using System.Text.Json.Serialization;
using Functions.Tasks;

namespace Functions.Api.Tasks;

/// <summary>One task as GET /api/v1/tasks/{task_id} and the list show it; a schedule's run also names its schedule and occurrence (and <c>late</c> for a catch-up run).</summary>
public sealed record TaskResponse(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("caller")] string Caller,
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
    [property: JsonPropertyName("schedule_arn"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ScheduleArn,
    [property: JsonPropertyName("schedule_id")] string? ScheduleId = null,
    [property: JsonPropertyName("occurrence")] string? Occurrence = null,
    [property: JsonPropertyName("late")] bool? Late = null)
{
    public static TaskResponse From(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new(
            task.TaskId,
            task.Caller,
            TaskStateMachine.Name(task.Status),
            Timestamps.Format(task.RunAt),
            task.Url,
            task.Method,
            task.Attempts,
            task.MaxAttempts,
            task.LastStatusCode,
            string.IsNullOrEmpty(task.LastError) ? null : task.LastError,
            Timestamps.Format(task.CreatedAt),
            Timestamps.Format(task.UpdatedAt),
            task.ScheduleArn,
            task.ScheduleId,
            task.Occurrence is { } occurrence ? Timestamps.Format(occurrence) : null,
            task.Late ? true : null);
    }
}
