using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>DELETE /api/v1/schedules/{schedule_id}</c>: 204; no run is made after the answer (runs already made finish).</summary>
public sealed class DeleteScheduleFunction(RecurringScheduleService schedules)
{
    [LambdaFunction("DeleteScheduleFunction", MemorySize = 256, Timeout = 10, Description = "Deletes a recurring schedule.")]
    [HttpApi("DELETE", "/api/v1/schedules/{schedule_id}")]
    [ApiResponse(204, "Deleted.")]
    [ApiResponse(404, "No such schedule (or another caller's).")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read | TableAccess.Delete, "schedule#*")]
    [UsesTaskTable(TableAccess.Delete, "idem#*")]
    [UsesScheduler(SchedulerAccess.Delete)]
    public async Task<HttpApiResponse> Delete(HttpApiRequest request, InvocationContext context)
    {
        if (!ScheduleResults.TryScheduleId(request, context.RequestId, out var scheduleId, out var invalid))
        {
            return invalid;
        }

        return await schedules.DeleteAsync(request.CallerOf(), scheduleId, context.CancellationToken).ConfigureAwait(false)
            ? new HttpApiResponse { StatusCode = 204 }
            : ScheduleResults.NotFound(scheduleId, context.RequestId);
    }
}
