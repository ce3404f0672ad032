using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Api.Tasks;
using Functions.Serialization;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>PATCH /api/v1/schedules/{schedule_id}</c>: change any field, or pause and resume; 200 with the schedule.</summary>
public sealed class UpdateScheduleFunction(RecurringScheduleService schedules, CallbackUrl callbackUrl)
{
    [LambdaFunction("UpdateScheduleFunction", MemorySize = 256, Timeout = 15, Description = "Changes, pauses or resumes a recurring schedule.")]
    [HttpApi("PATCH", "/api/v1/schedules/{schedule_id}")]
    [ApiRequest(typeof(RecurringScheduleRequest))]
    [ApiResponse(200, "The schedule as changed.", Body = typeof(ScheduleResponse))]
    [ApiResponse(404, "No such schedule (or another caller's).")]
    [ApiResponse(409, "The schedule changed while this request was applied; try again.")]
    [ApiResponse(503, "The change is saved but its wake-up could not be armed; the sweeper arms it.", Headers = ["Retry-After"])]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Create | TableAccess.Read, "schedule#*")]
    [UsesTaskTable(TableAccess.Read, "task#*")]
    [UsesScheduler(SchedulerAccess.Create | SchedulerAccess.Delete)]
    [UsesDeliveryQueue]
    public async Task<HttpApiResponse> Update(HttpApiRequest request, InvocationContext context)
    {
        if (!ScheduleResults.TryScheduleId(request, context.RequestId, out var scheduleId, out var invalid)
            || !JsonBody.TryRead(request, context, FunctionsJsonContext.Default.RecurringScheduleRequest, out var body, out invalid))
        {
            return invalid;
        }

        var outcome = await schedules.UpdateAsync(request.CallerOf(), scheduleId, body, callbackUrl.For(request), context.CancellationToken).ConfigureAwait(false);
        return ScheduleResults.Saved(outcome, scheduleId, context.RequestId);
    }
}
