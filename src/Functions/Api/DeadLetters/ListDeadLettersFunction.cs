using Functions.Api.Tasks;
using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.DeadLetters;

namespace Functions.Api.DeadLetters;

/// <summary>
/// <c>GET /api/v1/dead-letters?caller=&amp;limit=&amp;cursor=</c>: the caller's failed tasks, newest first (an admin's: every
/// caller's, or one's); an admin's first page also shows the system dead-letter queue.
/// </summary>
public sealed class ListDeadLettersFunction(DeadLetterService deadLetters)
{
    [LambdaFunction("ListDeadLettersFunction", MemorySize = 256, Timeout = 10, Description = "Lists failed deliveries (and, for admins, the system dead-letter queue).")]
    [HttpApi("GET", "/api/v1/dead-letters")]
    [ApiQuery("caller", "Admins: only this caller's dead letters.")]
    [ApiPaged]
    [ApiResponse(200, "The failed tasks, newest first; an admin's first page also shows the system dead-letter queue.", Body = typeof(DeadLetterListResponse))]
    [ApiResponse(403, "A caller that is not an admin named another caller.")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Query | TableAccess.BatchRead, "task#*")]
    [UsesSystemDeadLetterQueue(Redrive = false)]
    public async Task<HttpApiResponse> List(HttpApiRequest request, InvocationContext context)
    {
        if (!TaskListQuery.TryParse(request, context.RequestId, out var query, out var invalid, statusAllowed: false))
        {
            return invalid;
        }

        var list = await deadLetters.ListAsync(request.CallerOf(), query.Caller, query.Limit, query.Cursor, context.CancellationToken).ConfigureAwait(false);
        return DeadLetterResults.Listed(list, context.RequestId);
    }
}
