using System.Diagnostics.CodeAnalysis;
using Functions.Hosting.Http;
using Functions.Tasks;
using Functions.Tasks.Callers;

namespace Functions.Api.Tasks;

/// <summary>The query of GET /api/v1/tasks: <c>status</c> (one or all), <c>caller</c> (admins: one caller's), <c>limit</c> (1-100, 20), <c>cursor</c>.</summary>
public sealed record TaskListQuery(TaskState? Status, string? Caller, int Limit, string? Cursor)
{
    /// <param name="request">The request.</param>
    /// <param name="requestId">Its id, for a problem.</param>
    /// <param name="query">The query read.</param>
    /// <param name="problem">The 400 naming the field.</param>
    /// <param name="statusAllowed">False where the listing is of one status already (dead letters are failed tasks).</param>
    public static bool TryParse(HttpApiRequest request, string requestId, [NotNullWhen(true)] out TaskListQuery? query, [NotNullWhen(false)] out HttpApiResponse? problem, bool statusAllowed = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        query = null;
        problem = null;
        TaskState? status = null;
        if (request.QueryParameter("status") is { Length: > 0 } statusText)
        {
            if (!statusAllowed)
            {
                problem = HttpResults.BadRequest("status", "Dead letters are the failed tasks; list other statuses with GET /api/v1/tasks?status=.", requestId);
                return false;
            }

            if (!TaskStateMachine.TryParse(statusText, out var parsed))
            {
                problem = HttpResults.BadRequest("status", $"status must be one of {string.Join(", ", Enum.GetValues<TaskState>().Select(TaskStateMachine.Name))}.", requestId);
                return false;
            }

            status = parsed;
        }

        if (!PageQuery.TryRead(request, requestId, out var limit, out var cursor, out problem))
        {
            return false;
        }

        var caller = request.QueryParameter("caller") is { Length: > 0 } named ? named : null;
        if (caller is not null && !CallerNames.IsValid(caller))
        {
            problem = HttpResults.BadRequest("caller", CallerNames.Rule, requestId);
            return false;
        }

        query = new TaskListQuery(status, caller, limit, cursor);
        return true;
    }
}
