using System.Text.Json.Serialization;

namespace Functions.Api.Tasks;

/// <summary>The answer to POST /api/v1/tasks/schedule, in the original guide's snake_case shape.</summary>
public sealed record ScheduleTaskResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("schedule_arn"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ScheduleArn,
    [property: JsonPropertyName("run_at")] string RunAt,
    [property: JsonPropertyName("scheduled_in_minutes")] long ScheduledInMinutes,
    [property: JsonPropertyName("status")] string Status);
