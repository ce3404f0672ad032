using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>GET /api/v1/schedules/{schedule_id}</c>: the schedule, its state, its next runs and its last run.</summary>
public sealed class GetScheduleFunction(RecurringScheduleService schedules)
{
    [LambdaFunction("GetScheduleFunction", MemorySize = 256, Timeout = 10, Description = "Reads one recurring schedule with its next runs.")]
    [HttpApi("GET", "/api/v1/schedules/{schedule_id}")]
    [ApiResponse(200, "The schedule, its next runs and its last run.", Body = typeof(ScheduleResponse))]
    [ApiResponse(404, "No such schedule (or another caller's).")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read, "schedule#*", "task#*")]
    public async Task<HttpApiResponse> Get(HttpApiRequest request, InvocationContext context)
    {
        if (!ScheduleResults.TryScheduleId(request, context.RequestId, out var scheduleId, out var invalid))
        {
            return invalid;
        }

        var view = await schedules.GetAsync(request.CallerOf(), scheduleId, context.CancellationToken).ConfigureAwait(false);
        return ScheduleResults.Found(view, scheduleId, context.RequestId);
    }
}
