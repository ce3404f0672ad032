using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks;

namespace Functions.Api.Tasks;

/// <summary><c>GET /api/v1/tasks?status=&amp;limit=&amp;cursor=</c>: tasks newest first, a page at a time.</summary>
public sealed class ListTasksFunction(ITaskStore store)
{
    [LambdaFunction("ListTasksFunction", MemorySize = 512, Timeout = 10, Description = "Lists tasks newest first, by status or all.")]
    [HttpApi("GET", "/api/v1/tasks")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Query)]
    public async Task<HttpApiResponse> List(HttpApiRequest request, InvocationContext context)
    {
        if (!TaskListQuery.TryParse(request, context.RequestId, out var query, out var invalid))
        {
            return invalid;
        }

        try
        {
            return TaskResults.Listed(await store.ListAsync(query.Status, query.Limit, query.Cursor, context.CancellationToken).ConfigureAwait(false));
        }
        catch (FormatException ex)
        {
            return HttpResults.BadRequest("cursor", ex.Message, context.RequestId);
        }
    }
}
