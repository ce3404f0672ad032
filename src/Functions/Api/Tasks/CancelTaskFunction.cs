using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Scheduling;

namespace Functions.Api.Tasks;

/// <summary><c>DELETE /api/v1/tasks/{task_id}</c>: cancel a task that has not started; its schedule is deleted.</summary>
public sealed class CancelTaskFunction(TaskCancellationService cancellation)
{
    [LambdaFunction("CancelTaskFunction", MemorySize = 256, Timeout = 10, Description = "Cancels a task and deletes its schedule.")]
    [HttpApi("DELETE", "/api/v1/tasks/{task_id}")]
    [ApiResponse(200, "Cancelled (now, or already).", Body = typeof(CancelTaskResponse))]
    [ApiResponse(404, "No such task (or another caller's).")]
    [ApiResponse(409, "Running or finished: too late to cancel (task_status names the status).")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read | TableAccess.Update, "task#*")]
    [UsesScheduler(SchedulerAccess.Delete)]
    public async Task<HttpApiResponse> Cancel(HttpApiRequest request, InvocationContext context)
    {
        if (!TaskResults.TryTaskId(request, context.RequestId, out var taskId, out var invalid))
        {
            return invalid;
        }

        var result = await cancellation.CancelAsync(request.CallerOf(), taskId, context.CancellationToken).ConfigureAwait(false);
        return TaskResults.Cancelled(result, taskId, context.RequestId);
    }
}
