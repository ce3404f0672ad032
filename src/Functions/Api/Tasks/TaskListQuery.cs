using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Functions.Hosting.Http;
using Functions.Tasks;
using Functions.Tasks.Callers;

namespace Functions.Api.Tasks;

/// <summary>The query of GET /api/v1/tasks: <c>status</c> (one or all), <c>caller</c> (admins: one caller's), <c>limit</c> (1-100, 20), <c>cursor</c>.</summary>
public sealed record TaskListQuery(TaskState? Status, string? Caller, int Limit, string? Cursor)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static bool TryParse(HttpApiRequest request, string requestId, [NotNullWhen(true)] out TaskListQuery? query, [NotNullWhen(false)] out HttpApiResponse? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        query = null;
        problem = null;
        TaskState? status = null;
        if (request.QueryParameter("status") is { Length: > 0 } statusText)
        {
            if (!TaskStateMachine.TryParse(statusText, out var parsed))
            {
                problem = HttpResults.BadRequest("status", $"status must be one of {string.Join(", ", Enum.GetValues<TaskState>().Select(TaskStateMachine.Name))}.", requestId);
                return false;
            }

            status = parsed;
        }

        var limit = DefaultLimit;
        if (request.QueryParameter("limit") is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = HttpResults.BadRequest("limit", $"limit must be a whole number from 1 to {MaxLimit}.", requestId);
            return false;
        }

        var caller = request.QueryParameter("caller") is { Length: > 0 } named ? named : null;
        if (caller is not null && !CallerNames.IsValid(caller))
        {
            problem = HttpResults.BadRequest("caller", CallerNames.Rule, requestId);
            return false;
        }

        query = new TaskListQuery(status, caller, limit, request.QueryParameter("cursor") is { Length: > 0 } cursor ? cursor : null);
        return true;
    }
}
