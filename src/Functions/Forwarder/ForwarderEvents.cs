using System.Text.Json.Serialization;

namespace Functions.Forwarder;

/// <summary>
/// What wakes the forwarder for a task: the schedule's Input (Scheduler fills the context attributes in),
/// or the body of a delivery-queue message. Only the task id matters; the rest is for the logs.
/// </summary>
public sealed record ForwarderInput
{
    [JsonPropertyName("task_id")] public string? TaskId { get; init; }
    [JsonPropertyName("scheduler_attempt")] public string? SchedulerAttempt { get; init; }
    [JsonPropertyName("execution_id")] public string? ExecutionId { get; init; }
    [JsonPropertyName("scheduled_time")] public string? ScheduledTime { get; init; }
}

/// <summary>An SQS event from a Lambda event source mapping (only the members read here).</summary>
public sealed record SqsEvent
{
    [JsonPropertyName("Records")] public IReadOnlyList<SqsRecord>? Records { get; init; }
}

public sealed record SqsRecord
{
    [JsonPropertyName("messageId")] public string? MessageId { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }
    [JsonPropertyName("eventSource")] public string? EventSource { get; init; }
}

/// <summary>The partial batch response: only these messages return to the queue.</summary>
public sealed record SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")] public required IReadOnlyList<SqsBatchItemFailure> BatchItemFailures { get; init; }
}

public sealed record SqsBatchItemFailure
{
    [JsonPropertyName("itemIdentifier")] public required string ItemIdentifier { get; init; }
}

/// <summary>A given-up delivery, as parked on the dead-letter queue.</summary>
public sealed record DeadLetterRecord
{
    [JsonPropertyName("task_id")] public required string TaskId { get; init; }
    [JsonPropertyName("attempts")] public required int Attempts { get; init; }
    [JsonPropertyName("last_status_code")] public int? LastStatusCode { get; init; }
    [JsonPropertyName("last_error")] public string? LastError { get; init; }
    [JsonPropertyName("url")] public required string Url { get; init; }
    [JsonPropertyName("failed_at")] public required string FailedAt { get; init; }
}
