using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Scheduling;

namespace Functions.Api.Tasks;

/// <summary><c>GET /api/v1/tasks/{task_id}</c>: one task's status and last result.</summary>
public sealed class GetTaskFunction(TaskQueries tasks)
{
    [LambdaFunction("GetTaskFunction", MemorySize = 256, Timeout = 10, Description = "Reads one task.")]
    [HttpApi("GET", "/api/v1/tasks/{task_id}")]
    [ApiResponse(200, "The task, its data, header names and attempts.", Body = typeof(TaskResponse))]
    [ApiResponse(404, "No such task (or another caller's).")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read, "task#*")]
    public async Task<HttpApiResponse> Get(HttpApiRequest request, InvocationContext context)
    {
        if (!TaskResults.TryTaskId(request, context.RequestId, out var taskId, out var invalid))
        {
            return invalid;
        }

        var task = await tasks.GetAsync(request.CallerOf(), taskId, context.CancellationToken).ConfigureAwait(false);
        return TaskResults.Found(task, taskId, context.RequestId);
    }
}
