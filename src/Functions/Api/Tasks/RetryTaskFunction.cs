using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks.Requests;
using Functions.Tasks.Scheduling;

namespace Functions.Api.Tasks;

/// <summary>
/// <c>POST /api/v1/tasks/{task_id}/retry</c>: deliver a failed task again (a succeeded one with <c>"force": true</c>),
/// now or at <c>run_at</c>, with a fresh attempt budget; 202 with the task. Any other status: 409 naming it.
/// </summary>
public sealed class RetryTaskFunction(TaskRetryService retries)
{
    [LambdaFunction("RetryTaskFunction", MemorySize = 256, Timeout = 15, Description = "Delivers a finished task again, with a fresh attempt budget.")]
    [HttpApi("POST", "/api/v1/tasks/{task_id}/retry")]
    [ApiRequest(typeof(RetryTaskRequest), Optional = true)]
    [ApiResponse(202, "Pending again, with a fresh attempt budget; delivered at run_at.", Body = typeof(TaskResponse), Headers = ["Location"])]
    [ApiResponse(404, "No such task (or another caller's).")]
    [ApiResponse(409, "Not failed (or succeeded without force): task_status names the status.")]
    [ApiResponse(503, "The retry is recorded but its wake-up could not be armed; the sweeper arms it.", Headers = ["Retry-After"])]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read | TableAccess.Update, "task#*")]
    [UsesScheduler(SchedulerAccess.Create)]
    [UsesDeliveryQueue]
    public async Task<HttpApiResponse> Retry(HttpApiRequest request, InvocationContext context)
    {
        if (!TaskResults.TryTaskId(request, context.RequestId, out var taskId, out var invalid)
            || !JsonBody.TryReadOptional(request, context, FunctionsJsonContext.Default.RetryTaskRequest, new RetryTaskRequest(), out var body, out invalid))
        {
            return invalid;
        }

        var result = await retries.RetryAsync(request.CallerOf(), taskId, body, context.CancellationToken).ConfigureAwait(false);
        return TaskResults.Retried(result, taskId, context.RequestId);
    }
}
