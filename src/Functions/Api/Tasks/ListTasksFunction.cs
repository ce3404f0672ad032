using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Scheduling;

namespace Functions.Api.Tasks;

/// <summary><c>GET /api/v1/tasks?status=&amp;caller=&amp;limit=&amp;cursor=</c>: the caller's tasks newest first (an admin's: every caller's, latest run first, or one caller's), a page at a time.</summary>
public sealed class ListTasksFunction(TaskQueries tasks)
{
    [LambdaFunction("ListTasksFunction", MemorySize = 256, Timeout = 10, Description = "Lists tasks newest first, by status or all.")]
    [HttpApi("GET", "/api/v1/tasks")]
    [ApiQuery("status", "Only tasks of this status.", Values = ["pending", "scheduled", "running", "retrying", "succeeded", "failed", "cancelled"])]
    [ApiQuery("caller", "Admins: only this caller's tasks (otherwise every caller's, latest run first).")]
    [ApiPaged]
    [ApiResponse(200, "A page of tasks, newest first.", Body = typeof(TaskListResponse))]
    [ApiResponse(403, "A caller that is not an admin named another caller.")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Query | TableAccess.BatchRead, "task#*")]
    public async Task<HttpApiResponse> List(HttpApiRequest request, InvocationContext context)
    {
        if (!TaskListQuery.TryParse(request, context.RequestId, out var query, out var invalid))
        {
            return invalid;
        }

        var result = await tasks.ListAsync(request.CallerOf(), query.Caller, query.Status, query.Limit, query.Cursor, context.CancellationToken).ConfigureAwait(false);
        return TaskResults.Listed(result, context.RequestId);
    }
}
