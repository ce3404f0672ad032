using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Sqs;
using Functions.Serialization;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Forwarder;

/// <summary>
/// The generic forwarder (the original guide's API_CALL_LAMBDA, done properly): woken by a task's schedule
/// (asynchronous invocation, the schedule's Input) or by its delivery-queue messages (an SQS batch), it hands each
/// wake-up to <see cref="ForwardingService"/>. In a batch only the messages that failed return to the queue.
/// </summary>
public sealed partial class ForwarderFunction(ForwardingService forwarding, ILogger<ForwarderFunction> logger)
{
    private static readonly byte[] Done = "{}"u8.ToArray();

    [LambdaFunction("ForwarderFunction", MemorySize = 256, Timeout = 90, FunctionName = StackReferences.ForwarderName, ReservedConcurrency = StackReferences.ForwarderConcurrency,
        Description = "Makes each task's signed HTTP call when its schedule or queue message wakes it; retries with backoff.")]
    [SqsEvent(StackReferences.DeliveryQueue, BatchSize = 10, MaximumConcurrency = StackReferences.DeliveryQueueConcurrency)]
    [AsyncInvocation(MaximumRetryAttempts = 2, MaximumEventAgeInSeconds = 21600, OnFailureQueue = StackReferences.DeadLetterQueue)]
    [UsesTaskTable(TableAccess.Read | TableAccess.Update | TableAccess.Create, "task#*")]
    [UsesTaskTable(TableAccess.Read, "caller#*")]
    [UsesTaskTable(TableAccess.Read | TableAccess.Create, "schedule#*")]
    [UsesScheduler(SchedulerAccess.Create)]
    [UsesDeliveryQueue]
    [UsesFailedDeliveriesQueue]
    [UsesSigningSecret]
    public async Task<Stream> Forward(Stream @event, InvocationContext context)
    {
        using var document = await JsonDocument.ParseAsync(@event, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("Records", out _))
        {
            var failures = await ForwardBatchAsync(document.RootElement.Deserialize(FunctionsJsonContext.Default.SqsEvent)!, context).ConfigureAwait(false);
            return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new SqsBatchResponse { BatchItemFailures = failures }, FunctionsJsonContext.Default.SqsBatchResponse));
        }

        // A schedule's Input. An exception fails the invocation, and Lambda retries it (EventInvokeConfig).
        if (document.RootElement.Deserialize(FunctionsJsonContext.Default.WakeUpMessage) is { IsComplete: true } wakeUp)
        {
            await forwarding.ProcessAsync(wakeUp, context).ConfigureAwait(false);
        }
        else
        {
            LogMalformed(logger, "schedule input without task_id (or schedule_id and occurrence)");
        }

        return new MemoryStream(Done);
    }

    private async Task<List<SqsBatchItemFailure>> ForwardBatchAsync(SqsEvent batch, InvocationContext context)
    {
        var results = await Task.WhenAll((batch.Records ?? []).Select(async record =>
        {
            if (Read(record.Body) is not { IsComplete: true } wakeUp)
            {
                // Retrying a message that can never be read would only loop it to the dead-letter queue later.
                LogMalformed(logger, "queue message without task_id (or schedule_id and occurrence)");
                return null;
            }

            try
            {
                await forwarding.ProcessAsync(wakeUp, context).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex)
            {
                // Only this message returns to the queue; after maxReceiveCount it goes to the dead-letter queue.
                LogRecordFailed(logger, ex, wakeUp.TaskId ?? wakeUp.ScheduleId!, record.MessageId);
                return record.MessageId;
            }
        })).ConfigureAwait(false);
        return [.. results.OfType<string>().Select(id => new SqsBatchItemFailure { ItemIdentifier = id })];
    }

    private static WakeUpMessage? Read(string? body)
    {
        try
        {
            return JsonSerializer.Deserialize(body ?? "null", FunctionsJsonContext.Default.WakeUpMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed wake-up: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Wake-up for {WokenFor} (message {MessageId}) failed; returning it to the queue")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string wokenFor, string? messageId);
}
