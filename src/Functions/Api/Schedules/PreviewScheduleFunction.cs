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
    [RequiresApiToken]
    public Task<HttpApiResponse> Preview(HttpApiRequest request, InvocationContext context)
    {
        var (occurrences, timing, errors) = schedules.Preview(request.QueryParameter("schedule_expression"), request.QueryParameter("time_zone"), request.QueryParameter("start_at"), request.QueryParameter("count"));
        return Task.FromResult(occurrences is null
            ? HttpResults.ValidationProblem(errors, context.RequestId)
            : HttpResults.Json(200, new PreviewResponse(timing!.ExpressionText, timing.TimeZone, [.. occurrences.Select(ScheduleTimes.Format)]), FunctionsJsonContext.Default.PreviewResponse));
    }
}
