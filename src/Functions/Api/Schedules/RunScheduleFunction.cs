using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>POST /api/v1/schedules/{schedule_id}/run</c>: one run now, delivered like a task; the next occurrence stays.</summary>
public sealed class RunScheduleFunction(RecurringScheduleService schedules)
{
    [LambdaFunction("RunScheduleFunction", MemorySize = 256, Timeout = 15, Description = "Runs a recurring schedule once, now.")]
    [HttpApi("POST", "/api/v1/schedules/{schedule_id}/run")]
    [ApiResponse(202, "One run now: its task.", Body = typeof(Functions.Api.Tasks.TaskResponse), Headers = ["Location"])]
    [ApiResponse(404, "No such schedule (or another caller's).")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read | TableAccess.Create, "schedule#*", "task#*")]
    [UsesScheduler(SchedulerAccess.Create)]
    [UsesDeliveryQueue]
    public async Task<HttpApiResponse> Run(HttpApiRequest request, InvocationContext context)
    {
        if (!ScheduleResults.TryScheduleId(request, context.RequestId, out var scheduleId, out var invalid))
        {
            return invalid;
        }

        var run = await schedules.RunNowAsync(request.CallerOf(), scheduleId, context.CancellationToken).ConfigureAwait(false);
        return ScheduleResults.RanNow(run, scheduleId, context.RequestId);
    }
}
