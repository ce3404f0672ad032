using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Functions.Tasks.WakeUps;

/// <summary>
/// What wakes the forwarder: a schedule's Input or a delivery-queue message, for a task (its id) or for a recurring
/// schedule's occurrence (the schedule's id and the occurrence's time). Only ids, never the payload or a secret. A schedule's Input also carries EventBridge Scheduler's context attributes, filled in
/// when it fires, which the forwarder adds to its log lines.
/// </summary>
public sealed record WakeUpMessage
{
    [JsonPropertyName("task_id")] public string? TaskId { get; init; }

    /// <summary>A recurring schedule whose occurrence <see cref="Occurrence"/> is due (no task id then).</summary>
    [JsonPropertyName("schedule_id")] public string? ScheduleId { get; init; }

    /// <summary>The occurrence this wake-up was armed for, as <see cref="Timestamps"/> writes it.</summary>
    [JsonPropertyName("occurrence")] public string? Occurrence { get; init; }

    /// <summary>Whether the message names what to wake: a task, or a schedule and its occurrence.</summary>
    [JsonIgnore]
    public bool IsComplete => TaskId is { Length: > 0 } || (ScheduleId is { Length: > 0 } && Occurrence is { Length: > 0 });

    /// <summary>Scheduler's attempt number for this invocation (1, then its own retries).</summary>
    [JsonPropertyName("scheduler_attempt")] public string? SchedulerAttempt { get; init; }

    /// <summary>Scheduler's id of this firing.</summary>
    [JsonPropertyName("execution_id")] public string? ExecutionId { get; init; }

    /// <summary>The time Scheduler fired it for (its lateness is the firing time less this).</summary>
    [JsonPropertyName("scheduled_time")] public string? ScheduledTime { get; init; }

    // <aws.scheduler.*> placeholders must reach Scheduler as written: no \u003C escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The message's JSON text, with only the fields that are set.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            WriteIfSet(json, "task_id", TaskId);
            WriteIfSet(json, "schedule_id", ScheduleId);
            WriteIfSet(json, "occurrence", Occurrence);
            WriteIfSet(json, "scheduler_attempt", SchedulerAttempt);
            WriteIfSet(json, "execution_id", ExecutionId);
            WriteIfSet(json, "scheduled_time", ScheduledTime);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
