using System.Diagnostics.CodeAnalysis;
using Functions.Hosting.Http;
using Functions.Tasks.Requests;

namespace Functions.Api.Tasks;

/// <summary>
/// The idempotency key as an <c>Idempotency-Key</c> request header (draft-ietf-httpapi-idempotency-key-header) as
/// well as the body's <c>idempotency_key</c>: either may be given, or both when they are equal.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    public static bool TryMerge(HttpApiRequest request, ScheduleTaskRequest body, string requestId, out ScheduleTaskRequest merged, [NotNullWhen(false)] out HttpApiResponse? refused)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        merged = body;
        refused = null;
        if (request.Header(Name) is not { } key)
        {
            return true;
        }

        if (body.IdempotencyKey is { } inBody && inBody != key)
        {
            refused = HttpResults.BadRequest(Name, "differs from the body's idempotency_key; give one of them, or both equal.", requestId);
            return false;
        }

        merged = body with { IdempotencyKey = key };
        return true;
    }
}
