using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Serialization;
using Microsoft.Extensions.Logging;
using static Functions.Tasks.TaskSettingNames;

namespace Functions.Forwarder;

/// <summary>
/// The generic forwarder (the original guide's API_CALL_LAMBDA, done properly): woken by a task's schedule
/// (asynchronous invocation, the schedule's Input) or by its delivery-queue message (SQS batch), it makes
/// the task's signed HTTP call and records the outcome. See <see cref="ForwardingService"/>.
/// </summary>
public sealed partial class ForwarderFunction(ForwardingService forwarding, ILogger<ForwarderFunction> logger)
{
    private static readonly byte[] Done = "{}"u8.ToArray();

    [LambdaFunction("ForwarderFunction", MemorySize = 512, Timeout = 90, FunctionName = TaskEnvironment.ForwarderName,
        Description = "Makes each task's signed HTTP call when its schedule or queue message wakes it; retries with backoff.")]
    [SqsEvent("DeliveryQueue", BatchSize = 10)]
    [AsyncInvocation(MaximumRetryAttempts = 2, MaximumEventAgeInSeconds = 21600, OnFailureQueue = "DeadLetterQueue")]
    [Allow(["dynamodb:GetItem", "dynamodb:UpdateItem"], TaskEnvironment.TableArn, LeadingKeys = ["task#*"])]
    [Allow(["scheduler:CreateSchedule", "scheduler:GetSchedule"], TaskEnvironment.GroupSchedules)]
    [Allow(["iam:PassRole"], TaskEnvironment.SchedulerRoleArn)]
    [Allow(["sqs:SendMessage"], TaskEnvironment.DeliveryQueueArn, TaskEnvironment.DeadLetterQueueArn)]
    [Allow(["ssm:GetParameter"], TaskEnvironment.SigningSecretParameterArn)]
    [FunctionEnvironment(TableName, TaskEnvironment.Table)]
    [FunctionEnvironment(RetentionDays, TaskEnvironment.RetentionDays)]
    [FunctionEnvironment(ScheduleGroup, TaskEnvironment.ScheduleGroup)]
    [FunctionEnvironment(SchedulerRoleArn, TaskEnvironment.SchedulerRoleArn)]
    [FunctionEnvironment(ForwarderArn, TaskEnvironment.ForwarderArnByName)]
    [FunctionEnvironment(DeadLetterQueueArn, TaskEnvironment.DeadLetterQueueArn)]
    [FunctionEnvironment(ForwarderSettings.DeadLetterQueueUrlSetting, TaskEnvironment.DeadLetterQueueUrl)]
    [FunctionEnvironment(DeliveryTimerSettings.PrecisionSetting, TaskEnvironment.DeliveryPrecision)]
    [FunctionEnvironment(DeliveryTimerSettings.QueueUrlSetting, TaskEnvironment.DeliveryQueueUrl)]
    [FunctionEnvironment(SigningSecretParameter, TaskEnvironment.SigningSecretParameter)]
    public async Task<Stream> Forward(Stream @event, InvocationContext context)
    {
        using var document = await JsonDocument.ParseAsync(@event, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("Records", out _))
        {
            var batch = document.RootElement.Deserialize(FunctionsJsonContext.Default.SqsEvent)!;
            var failures = await ForwardBatchAsync(batch, context).ConfigureAwait(false);
            return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new SqsBatchResponse { BatchItemFailures = failures }, FunctionsJsonContext.Default.SqsBatchResponse));
        }

        // A schedule's Input. An exception fails the invocation, and Lambda retries it (EventInvokeConfig).
        var input = document.RootElement.Deserialize(FunctionsJsonContext.Default.ForwarderInput);
        if (input?.TaskId is not { Length: > 0 } taskId)
        {
            LogMalformed(logger, "schedule input without task_id");
            return new MemoryStream(Done);
        }

        await forwarding.ProcessAsync(taskId, context).ConfigureAwait(false);
        return new MemoryStream(Done);
    }

    private async Task<List<SqsBatchItemFailure>> ForwardBatchAsync(SqsEvent batch, InvocationContext context)
    {
        var records = batch.Records ?? [];
        var results = await Task.WhenAll(records.Select(async record =>
        {
            ForwarderInput? input;
            try
            {
                input = JsonSerializer.Deserialize(record.Body ?? "null", FunctionsJsonContext.Default.ForwarderInput);
            }
            catch (JsonException)
            {
                input = null;
            }

            if (input?.TaskId is not { Length: > 0 } taskId)
            {
                // Retrying a message that can never be read would only loop it to the dead-letter queue later.
                LogMalformed(logger, "queue message without task_id");
                return null;
            }

            try
            {
                await forwarding.ProcessAsync(taskId, context).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex)
            {
                // Only this message returns to the queue; after maxReceiveCount it goes to the dead-letter queue.
                LogRecordFailed(logger, ex, taskId, record.MessageId);
                return record.MessageId;
            }
        })).ConfigureAwait(false);
        return [.. results.OfType<string>().Select(id => new SqsBatchItemFailure { ItemIdentifier = id })];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed wake-up: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} (message {MessageId}) failed; returning it to the queue")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string taskId, string? messageId);
}
