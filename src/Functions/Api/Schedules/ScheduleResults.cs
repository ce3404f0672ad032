using System.Diagnostics.CodeAnalysis;
using Functions.Api.Tasks;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary>The schedule API's answers: each domain outcome as its HTTP status and body (problem+json for refusals).</summary>
public static class ScheduleResults
{
    public static string Location(string scheduleId) => "/api/v1/schedules/" + scheduleId;

    public static HttpApiResponse Saved(ScheduleOutcome outcome, string? scheduleId, string requestId) => outcome switch
    {
        ScheduleOutcome.Saved(var view, var created, var replayed) => HttpResults.Json(
            created || replayed ? 201 : 200,
            ScheduleResponse.From(view),
            FunctionsJsonContext.Default.ScheduleResponse,
            replayed
                ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["location"] = Location(view.Schedule.ScheduleId), ["idempotent-replayed"] = "true" }
                : created ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["location"] = Location(view.Schedule.ScheduleId) } : null),
        ScheduleOutcome.Invalid(var errors) => HttpResults.ValidationProblem(errors, requestId),
        ScheduleOutcome.NotFound => NotFound(scheduleId ?? string.Empty, requestId),
        ScheduleOutcome.KeyReused(var existing) => HttpResults.Problem(new ProblemDetails
        {
            Title = "Unprocessable Content",
            Status = 422,
            Detail = "This idempotency_key was used for a different request.",
            RequestId = requestId,
            ScheduleId = existing,
            Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["idempotency_key"] = ["was used for a different request"] },
        }),
        ScheduleOutcome.WakeUpFailed(var errorType, var busy, var saved) => HttpResults.Problem(
            new ProblemDetails
            {
                Title = busy ? "Service Unavailable" : "Bad Gateway",
                Status = busy ? 503 : 502,
                Detail = saved
                    ? $"The change is saved, but its next wake-up could not be armed ({errorType}); the sweeper arms it within five minutes."
                    : $"The schedule's wake-up could not be armed ({errorType}); nothing was created.",
                RequestId = requestId,
                ScheduleId = scheduleId,
            },
            busy ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["retry-after"] = "1" } : null),
        ScheduleOutcome.Conflict => HttpResults.Problem(
            new ProblemDetails { Title = "Conflict", Status = 409, Detail = "The schedule changed while this request was applied; try again.", RequestId = requestId, ScheduleId = scheduleId },
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["retry-after"] = "1" }),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), "Unknown schedule outcome."),
    };

    public static HttpApiResponse Found(ScheduleView? view, string scheduleId, string requestId) => view is null
        ? NotFound(scheduleId, requestId)
        : HttpResults.Json(200, ScheduleResponse.From(view), FunctionsJsonContext.Default.ScheduleResponse);

    public static HttpApiResponse Listed(ScheduleListOutcome outcome, string requestId) => outcome switch
    {
        ScheduleListOutcome.Listed(var views, var next) => HttpResults.Json(200, new ScheduleListResponse([.. views.Select(ScheduleResponse.From)], next), FunctionsJsonContext.Default.ScheduleListResponse),
        ScheduleListOutcome.BadCursor(var message) => HttpResults.BadRequest("cursor", message, requestId),
        ScheduleListOutcome.Forbidden(var message) => HttpResults.Problem(new ProblemDetails
        {
            Title = "Forbidden",
            Status = 403,
            Detail = message,
            RequestId = requestId,
            Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["caller"] = [message] },
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), "Unknown list outcome."),
    };

    public static HttpApiResponse Runs(TaskPage? page, string scheduleId, string requestId) => page is null
        ? NotFound(scheduleId, requestId)
        : HttpResults.Json(200, new RunListResponse([.. page.Tasks.Select(TaskResponse.From)], page.NextCursor), FunctionsJsonContext.Default.RunListResponse);

    public static HttpApiResponse RanNow(TaskRecord? run, string scheduleId, string requestId) => run is null
        ? NotFound(scheduleId, requestId)
        : HttpResults.Json(202, TaskResponse.From(run), FunctionsJsonContext.Default.TaskResponse, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["location"] = TaskResults.TaskLocation(run.TaskId) });

    /// <summary>The path's schedule id when it is one; otherwise the 400 naming it.</summary>
    public static bool TryScheduleId(HttpApiRequest request, string requestId, [NotNullWhen(true)] out string? scheduleId, [NotNullWhen(false)] out HttpApiResponse? invalid)
    {
        ArgumentNullException.ThrowIfNull(request);
        scheduleId = request.PathParameter("schedule_id");
        invalid = TaskIds.IsValid(scheduleId) ? null : HttpResults.BadRequest("schedule_id", "schedule_id must be 32 lower-case hexadecimal digits.", requestId);
        return invalid is null;
    }

    public static HttpApiResponse NotFound(string scheduleId, string requestId) =>
        HttpResults.Problem(new ProblemDetails { Title = "Not Found", Status = 404, Detail = $"No schedule {scheduleId}.", RequestId = requestId, ScheduleId = scheduleId });
}
