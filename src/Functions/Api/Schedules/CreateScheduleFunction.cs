using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Api.Tasks;
using Functions.Serialization;
using Functions.Tasks.Recurring;

namespace Functions.Api.Schedules;

/// <summary><c>POST /api/v1/schedules</c>: a recurring schedule (cron or rate, in a time zone); 201 with Location.</summary>
public sealed class CreateScheduleFunction(RecurringScheduleService schedules, CallbackUrl callbackUrl)
{
    [LambdaFunction("CreateScheduleFunction", MemorySize = 256, Timeout = 15, Description = "Creates a recurring schedule and arms its first wake-up.")]
    [HttpApi("POST", "/api/v1/schedules")]
    [ApiRequest(typeof(RecurringScheduleRequest))]
    [ApiResponse(201, "Created (or, for a repeated idempotency key, was).", Body = typeof(ScheduleResponse), Headers = ["Location", "Idempotent-Replayed"])]
    [ApiResponse(422, "This idempotency key was used for a different request.")]
    [ApiResponse(502, "The first wake-up could not be armed; nothing was created.")]
    [ApiResponse(503, "The wake-up service is busy; nothing was created, try again.", Headers = ["Retry-After"])]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Create | TableAccess.Read | TableAccess.Delete, "schedule#*", "idem#*")]
    [UsesTaskTable(TableAccess.Read, "task#*")]
    [UsesScheduler(SchedulerAccess.Create)]
    [UsesDeliveryQueue]
    public async Task<HttpApiResponse> Create(HttpApiRequest request, InvocationContext context)
    {
        if (!JsonBody.TryRead(request, context, FunctionsJsonContext.Default.RecurringScheduleRequest, out var body, out var invalid))
        {
            return invalid;
        }

        var outcome = await schedules.CreateAsync(body, request.CallerOf(), callbackUrl.For(request), context.CancellationToken).ConfigureAwait(false);
        return ScheduleResults.Saved(outcome, null, context.RequestId);
    }
}
