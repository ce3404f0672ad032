using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks.DeadLetters;

namespace Functions.Api.DeadLetters;

/// <summary>
/// <c>POST /api/v1/dead-letters/redrive</c>: delivers the caller's failed tasks again (named ones, or up to 100),
/// each with a fresh attempt budget; an admin may take every caller's, and the system dead-letter queue's wake-ups.
/// </summary>
public sealed class RedriveDeadLettersFunction(DeadLetterService deadLetters)
{
    [LambdaFunction("RedriveDeadLettersFunction", MemorySize = 256, Timeout = 30, Description = "Delivers failed tasks again; admins: also the system dead-letter queue.")]
    [HttpApi("POST", "/api/v1/dead-letters/redrive")]
    [ApiRequest(typeof(RedriveRequest), Optional = true)]
    [ApiResponse(200, "How many were delivered again, which named ones were not, and whether more wait.", Body = typeof(RedriveResponse))]
    [ApiResponse(403, "A caller that is not an admin asked for another caller's or the system queue.")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Query | TableAccess.BatchRead | TableAccess.Update, "task#*")]
    [UsesScheduler(SchedulerAccess.Create)]
    [UsesDeliveryQueue]
    [UsesSystemDeadLetterQueue(Redrive = true)]
    public async Task<HttpApiResponse> Redrive(HttpApiRequest request, InvocationContext context)
    {
        if (!JsonBody.TryReadOptional(request, context, FunctionsJsonContext.Default.RedriveRequest, new RedriveRequest(), out var body, out var invalid))
        {
            return invalid;
        }

        var result = await deadLetters.RedriveAsync(request.CallerOf(), body, context.CancellationToken).ConfigureAwait(false);
        return DeadLetterResults.Redriven(result, context.RequestId);
    }
}
