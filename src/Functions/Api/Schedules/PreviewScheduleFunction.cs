using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>GET /api/v1/schedules/preview?schedule_expression=&amp;time_zone=&amp;start_at=&amp;count=</c>: the next occurrences, creating nothing.</summary>
public sealed class PreviewScheduleFunction(RecurringScheduleService schedules)
{
    [LambdaFunction("PreviewScheduleFunction", MemorySize = 256, Timeout = 10, Description = "Shows the next occurrences of a schedule expression.")]
    [HttpApi("GET", "/api/v1/schedules/preview")]
    [ApiQuery("schedule_expression", "cron(...), rate(...) or at(...), as EventBridge Scheduler writes them.", Required = true)]
    [ApiQuery("time_zone", "An IANA time zone (default UTC).")]
    [ApiQuery("start_at", "RFC 3339: the first occurrence at or after it.")]
    [ApiQuery("count", "How many occurrences (1-50, default 5).", WholeNumber = true)]
    [ApiResponse(200, "The next occurrences, with the zone's offset.", Body = typeof(PreviewResponse))]
    [ApiResponse(400, "A field is invalid (errors names it).")]
    [RequiresApiToken]
    public Task<HttpApiResponse> Preview(HttpApiRequest request, InvocationContext context)
    {
        var (occurrences, timing, errors) = schedules.Preview(request.QueryParameter("schedule_expression"), request.QueryParameter("time_zone"), request.QueryParameter("start_at"), request.QueryParameter("count"));
        return Task.FromResult(occurrences is null
            ? HttpResults.ValidationProblem(errors, context.RequestId)
            : HttpResults.Json(200, new PreviewResponse(timing!.ExpressionText, timing.TimeZone, [.. occurrences.Select(ScheduleTimes.Format)]), FunctionsJsonContext.Default.PreviewResponse));
    }
}
