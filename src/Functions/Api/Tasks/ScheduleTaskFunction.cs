using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks.Scheduling;

namespace Functions.Api.Tasks;

/// <summary><c>POST /api/v1/tasks/schedule</c>: accept one delayed HTTP call.</summary>
public sealed class ScheduleTaskFunction(TaskSchedulingService scheduling, CallbackUrl callbackUrl)
{
    [LambdaFunction("ScheduleTaskFunction", MemorySize = 256, Timeout = 15, Description = "Schedules a delayed HTTP call: task item, then its one-time schedule.")]
    [HttpApi("POST", "/api/v1/tasks/schedule")]
    [ApiRequest(typeof(Functions.Tasks.Requests.ScheduleTaskRequest))]
    [ApiResponse(202, "Accepted: the task is scheduled (or, for a repeated idempotency key, was).", Body = typeof(ScheduleTaskResponse), Headers = ["Location", "Idempotent-Replayed"])]
    [ApiResponse(409, "The first request with this idempotency key is still being accepted.", Headers = ["Retry-After"])]
    [ApiResponse(422, "This idempotency key was used for a different request.")]
    [ApiResponse(502, "The wake-up could not be armed; the task is failed.")]
    [ApiResponse(503, "The wake-up service is busy; the task is failed, try again.", Headers = ["Retry-After"])]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Create | TableAccess.Read | TableAccess.Update | TableAccess.Delete, "task#*", "idem#*")]
    [UsesScheduler(SchedulerAccess.Create | SchedulerAccess.Delete)]
    [UsesDeliveryQueue]
    public async Task<HttpApiResponse> Schedule(HttpApiRequest request, InvocationContext context)
    {
        if (!JsonBody.TryRead(request, context, FunctionsJsonContext.Default.ScheduleTaskRequest, out var body, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKeyHeader.TryMerge(request, body, context.RequestId, out body, out invalid))
        {
            return invalid;
        }

        var result = await scheduling.ScheduleAsync(body, request.CallerOf(), callbackUrl.For(request), context.CancellationToken).ConfigureAwait(false);
        return TaskResults.Scheduled(result, context.RequestId);
    }
}
