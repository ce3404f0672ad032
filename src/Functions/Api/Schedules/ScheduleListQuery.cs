using System.Diagnostics.CodeAnalysis;
using Functions.Hosting.Http;
using Functions.Tasks.Callers;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary>The query of GET /api/v1/schedules: <c>state</c> (one or all), <c>caller</c> (admins: another caller's), <c>limit</c> (1-100, 20), <c>cursor</c>.</summary>
public sealed record ScheduleListQuery(ScheduleState? State, string? Caller, int Limit, string? Cursor)
{
    public static bool TryParse(HttpApiRequest request, string requestId, [NotNullWhen(true)] out ScheduleListQuery? query, [NotNullWhen(false)] out HttpApiResponse? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        query = null;
        if (!PageQuery.TryRead(request, requestId, out var limit, out var cursor, out problem))
        {
            return false;
        }

        ScheduleState? state = null;
        if (request.QueryParameter("state") is { Length: > 0 } stateText)
        {
            if (!ScheduleNames.TryParse(stateText, out ScheduleState parsed))
            {
                problem = HttpResults.BadRequest("state", "state must be one of enabled, paused, ended.", requestId);
                return false;
            }

            state = parsed;
        }

        var caller = request.QueryParameter("caller") is { Length: > 0 } named ? named : null;
        if (caller is not null && !CallerNames.IsValid(caller))
        {
            problem = HttpResults.BadRequest("caller", CallerNames.Rule, requestId);
            return false;
        }

        query = new ScheduleListQuery(state, caller, limit, cursor);
        return true;
    }
}
