using Functions.Api.Tasks;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks.DeadLetters;
using Functions.Tasks.Scheduling;

namespace Functions.Api.DeadLetters;

/// <summary>The dead-letter API's answers.</summary>
public static class DeadLetterResults
{
    public static HttpApiResponse Listed(DeadLetterList list, string requestId)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Tasks is ListResult.Listed(var page)
            ? HttpResults.Json(
                200,
                new DeadLetterListResponse([.. page.Tasks.Select(TaskResponse.From)], page.NextCursor, list.System is { } system ? SystemDeadLettersResponse.From(system) : null),
                FunctionsJsonContext.Default.DeadLetterListResponse)
            : TaskResults.Listed(list.Tasks, requestId);
    }

    public static HttpApiResponse Redriven(RedriveResult result, string requestId) => result switch
    {
        RedriveResult.Redriven(var count, var skipped, var more, var systemCount, var systemLeft) => HttpResults.Json(
            200,
            new RedriveResponse(count, [.. skipped.Select(s => new RedriveSkipResponse(s.TaskId, s.Reason))], more, systemCount, systemCount is null ? null : systemLeft),
            FunctionsJsonContext.Default.RedriveResponse),
        RedriveResult.Invalid(var errors) => HttpResults.ValidationProblem(errors, requestId),
        RedriveResult.Forbidden(var field, var message) => HttpResults.Problem(new ProblemDetails
        {
            Title = "Forbidden",
            Status = 403,
            Detail = message,
            RequestId = requestId,
            Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] },
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(result), "Unknown redrive result."),
    };
}
