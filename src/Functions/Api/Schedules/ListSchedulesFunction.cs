using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>GET /api/v1/schedules?state=&amp;caller=&amp;limit=&amp;cursor=</c>: the caller's schedules, newest first (an admin may name a caller).</summary>
public sealed class ListSchedulesFunction(RecurringScheduleService schedules)
{
    [LambdaFunction("ListSchedulesFunction", MemorySize = 256, Timeout = 10, Description = "Lists a caller's recurring schedules.")]
    [HttpApi("GET", "/api/v1/schedules")]
    [ApiQuery("state", "Only schedules in this state.", Values = ["enabled", "paused", "ended"])]
    [ApiQuery("caller", "Admins: this caller's schedules (otherwise their own).")]
    [ApiPaged]
    [ApiResponse(200, "A page of schedules.", Body = typeof(ScheduleListResponse))]
    [ApiResponse(403, "A caller that is not an admin named another caller.")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Query | TableAccess.BatchRead, "schedule#*")]
    [UsesTaskTable(TableAccess.Read, "task#*")]
    public async Task<HttpApiResponse> List(HttpApiRequest request, InvocationContext context)
    {
        if (!ScheduleListQuery.TryParse(request, context.RequestId, out var query, out var invalid))
        {
            return invalid;
        }

        var outcome = await schedules.ListAsync(request.CallerOf(), query.Caller, query.State, query.Limit, query.Cursor, context.CancellationToken).ConfigureAwait(false);
        return ScheduleResults.Listed(outcome, context.RequestId);
    }
}
