using System.Text.Json;
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
    /// <summary>How many times the task was retried by hand (shown when it was).</summary>
    [JsonPropertyName("retries")] public int? Retries { get; init; }

    [JsonPropertyName("retried_at")] public string? RetriedAt { get; init; }

    /// <summary>One task's read only: the data as the caller sent it.</summary>
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }

    /// <summary>One task's read only: the names of the headers it sends (their values are not shown: they may be credentials).</summary>
    [JsonPropertyName("header_names")] public IReadOnlyList<string>? HeaderNames { get; init; }

    /// <summary>One task's read only: its last attempts, oldest first.</summary>
    [JsonPropertyName("attempts_log")] public IReadOnlyList<AttemptResponse>? AttemptsLog { get; init; }

    /// <summary>The task with everything one task's read shows: its data, header names and attempts.</summary>
    public static TaskResponse Detailed(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        using var data = JsonDocument.Parse(task.Data);
        return From(task) with
        {
            Data = data.RootElement.Clone(),
            HeaderNames = [.. task.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase)],
            AttemptsLog = [.. task.AttemptLog.Select(AttemptResponse.From)],
        };
    }

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
            task.Late ? true : null)
        {
            Retries = task.Retries > 0 ? task.Retries : null,
            RetriedAt = task.RetriedAt is { } retriedAt ? Timestamps.Format(retriedAt) : null,
        };
    }
}

/// <summary>One attempt as a task's read shows it (<see cref="TaskAttempt"/>).</summary>
public sealed record AttemptResponse(
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("retry")] int Retry,
    [property: JsonPropertyName("started_at")] string StartedAt,
    [property: JsonPropertyName("duration_ms")] double? DurationMs,
    [property: JsonPropertyName("status_code")] int? StatusCode,
    [property: JsonPropertyName("error_kind")] string? ErrorKind,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("response")] string? Response,
    [property: JsonPropertyName("response_bytes")] long? ResponseBytes,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("next_retry_at")] string? NextRetryAt)
{
    public static AttemptResponse From(TaskAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return new(
            attempt.Attempt,
            attempt.Retry,
            Timestamps.Format(attempt.StartedAt),
            attempt.DurationMs,
            attempt.StatusCode,
            attempt.ErrorKind,
            attempt.Error,
            attempt.Response,
            attempt.ResponseBytes,
            attempt.Outcome,
            attempt.NextRetryAt is { } next ? Timestamps.Format(next) : null);
    }
}
