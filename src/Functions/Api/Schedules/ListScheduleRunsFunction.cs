using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>GET /api/v1/schedules/{schedule_id}/runs?limit=&amp;cursor=</c>: the schedule's runs (tasks), newest first.</summary>
public sealed class ListScheduleRunsFunction(RecurringScheduleService schedules)
{
    [LambdaFunction("ListScheduleRunsFunction", MemorySize = 256, Timeout = 10, Description = "Lists a recurring schedule's runs.")]
    [HttpApi("GET", "/api/v1/schedules/{schedule_id}/runs")]
    [ApiPaged]
    [ApiResponse(200, "A page of the schedule's runs, newest first.", Body = typeof(RunListResponse))]
    [ApiResponse(404, "No such schedule (or another caller's).")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read, "schedule#*")]
    [UsesTaskTable(TableAccess.Query | TableAccess.BatchRead, "task#*")]
    public async Task<HttpApiResponse> List(HttpApiRequest request, InvocationContext context)
    {
        if (!ScheduleResults.TryScheduleId(request, context.RequestId, out var scheduleId, out var invalid)
            || !PageQuery.TryRead(request, context.RequestId, out var limit, out var cursor, out invalid))
        {
            return invalid;
        }

        try
        {
            var page = await schedules.RunsAsync(request.CallerOf(), scheduleId, limit, cursor, context.CancellationToken).ConfigureAwait(false);
            return ScheduleResults.Runs(page, scheduleId, context.RequestId);
        }
        catch (FormatException ex)
        {
            return HttpResults.BadRequest("cursor", ex.Message, context.RequestId);
        }
    }
}
