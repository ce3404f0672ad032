using System.Text.Json.Serialization;
using Functions.Api.Tasks;
using Functions.Tasks;
using Functions.Tasks.DeadLetters;

namespace Functions.Api.DeadLetters;

/// <summary>
/// GET /api/v1/dead-letters: the failed tasks, newest first, a page at a time; on an admin's first page (no
/// <c>caller</c>) also the system dead-letter queue (<c>system</c>, otherwise absent).
/// </summary>
public sealed record DeadLetterListResponse(
    [property: JsonPropertyName("dead_letters")] IReadOnlyList<TaskResponse> DeadLetters,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor,
    [property: JsonPropertyName("system")] SystemDeadLettersResponse? System);

/// <summary>The system dead-letter queue: about how many messages wait, and the first few (their wake-ups: ids, never a payload).</summary>
public sealed record SystemDeadLettersResponse(
    [property: JsonPropertyName("approximate_count")] long ApproximateCount,
    [property: JsonPropertyName("messages")] IReadOnlyList<SystemDeadLetterResponse> Messages)
{
    public static SystemDeadLettersResponse From(SystemDeadLetters system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new(system.Count, [.. system.Messages.Select(SystemDeadLetterResponse.From)]);
    }
}

/// <summary>One system dead letter: its id, when it was sent there, how often it was looked at, and the wake-up it holds.</summary>
public sealed record SystemDeadLetterResponse(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("sent_at")] string? SentAt,
    [property: JsonPropertyName("receive_count")] int ReceiveCount,
    [property: JsonPropertyName("task_id")] string? TaskId,
    [property: JsonPropertyName("schedule_id")] string? ScheduleId,
    [property: JsonPropertyName("occurrence")] string? Occurrence,
    [property: JsonPropertyName("redrivable")] bool Redrivable)
{
    public static SystemDeadLetterResponse From(SystemDeadLetter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var wakeUp = DeadLetterWakeUps.Find(message.Body);
        return new(message.MessageId, message.SentAt is { } sent ? Timestamps.Format(sent) : null, message.ReceiveCount, wakeUp?.TaskId, wakeUp?.ScheduleId, wakeUp?.Occurrence, wakeUp is not null);
    }
}

/// <summary>POST /api/v1/dead-letters/redrive: how many were delivered again, which named ones were not, and whether more wait.</summary>
public sealed record RedriveResponse(
    [property: JsonPropertyName("redriven")] int Redriven,
    [property: JsonPropertyName("skipped")] IReadOnlyList<RedriveSkipResponse> Skipped,
    [property: JsonPropertyName("more")] bool More,
    [property: JsonPropertyName("system_redriven")] int? SystemRedriven,
    [property: JsonPropertyName("system_left")] int? SystemLeft);

/// <summary>A named task a redrive left, and why: <c>not_found</c>, or its status.</summary>
public sealed record RedriveSkipResponse(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("reason")] string Reason);
