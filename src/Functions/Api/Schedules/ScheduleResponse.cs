using System.Text.Json.Serialization;
using Functions.Tasks;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary>A recurring schedule as GET /api/v1/schedules/{schedule_id}, the list and every change show it.</summary>
public sealed record ScheduleResponse(
    [property: JsonPropertyName("schedule_id")] string ScheduleId,
    [property: JsonPropertyName("caller")] string Caller,
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Name,
    [property: JsonPropertyName("schedule_expression")] string ScheduleExpression,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("start_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StartAt,
    [property: JsonPropertyName("end_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? EndAt,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("max_attempts")] int MaxAttempts,
    [property: JsonPropertyName("timeout_seconds")] int TimeoutSeconds,
    [property: JsonPropertyName("catch_up")] string CatchUp,
    [property: JsonPropertyName("overlap")] string Overlap,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("next_runs")] IReadOnlyList<string> NextRuns,
    [property: JsonPropertyName("last_run"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] LastRunResponse? LastRun,
    [property: JsonPropertyName("skipped_runs")] int SkippedRuns,
    [property: JsonPropertyName("recent_skips")] IReadOnlyList<SkipResponse> RecentSkips,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt)
{
    public static ScheduleResponse From(ScheduleView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var s = view.Schedule;
        return new(
            s.ScheduleId,
            s.Caller,
            s.Name,
            s.Expression,
            s.TimeZone,
            s.StartAt is { } start ? ScheduleTimes.Format(ScheduleTimes.InZone(start, s.TimeZone)) : null,
            s.EndAt is { } end ? ScheduleTimes.Format(ScheduleTimes.InZone(end, s.TimeZone)) : null,
            s.Target.Url,
            s.Target.Method,
            s.Target.MaxAttempts,
            s.Target.TimeoutSeconds,
            ScheduleNames.Of(s.CatchUp),
            ScheduleNames.Of(s.Overlap),
            ScheduleNames.Of(s.State),
            [.. view.NextRuns.Select(ScheduleTimes.Format)],
            s.LastRun is { } run
                ? new LastRunResponse(run.TaskId, ScheduleTimes.Format(ScheduleTimes.InZone(run.Occurrence, s.TimeZone)), Timestamps.Format(run.RunAt), view.LastRunTask is { } task ? TaskStateMachine.Name(task.Status) : null, run.Late)
                : null,
            s.SkippedCount,
            [.. s.Skipped.Select(k => new SkipResponse(ScheduleTimes.Format(ScheduleTimes.InZone(k.Occurrence, s.TimeZone)), k.Reason))],
            Timestamps.Format(s.CreatedAt),
            Timestamps.Format(s.UpdatedAt));
    }
}

/// <summary>A schedule's last run: its task, the occurrence it is for, when it was due, its task's status (null once the task has expired), and whether it ran late.</summary>
public sealed record LastRunResponse(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("occurrence")] string Occurrence,
    [property: JsonPropertyName("run_at")] string RunAt,
    [property: JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Status,
    [property: JsonPropertyName("late")] bool Late);

/// <summary>An occurrence that made no run, and why: <c>missed</c> or <c>overlap</c>.</summary>
public sealed record SkipResponse(
    [property: JsonPropertyName("occurrence")] string Occurrence,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>A page of schedules, newest first, and the cursor of the next page (null on the last).</summary>
public sealed record ScheduleListResponse(
    [property: JsonPropertyName("schedules")] IReadOnlyList<ScheduleResponse> Schedules,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>A page of a schedule's runs (each a task), newest first.</summary>
public sealed record RunListResponse(
    [property: JsonPropertyName("runs")] IReadOnlyList<Tasks.TaskResponse> Runs,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>The next occurrences of an expression (GET /api/v1/schedules/preview).</summary>
public sealed record PreviewResponse(
    [property: JsonPropertyName("schedule_expression")] string ScheduleExpression,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("next_runs")] IReadOnlyList<string> NextRuns);
