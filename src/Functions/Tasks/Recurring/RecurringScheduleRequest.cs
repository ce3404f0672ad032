using System.Text.Json;
using System.Text.Json.Serialization;

namespace Functions.Tasks.Recurring;

/// <summary>
/// The body of POST /api/v1/schedules, and of PATCH /api/v1/schedules/{schedule_id} (where every field is optional
/// and a field left out keeps its value), snake_case. The target fields are a one-time task's.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RecurringScheduleRequest
{
    [JsonPropertyName("schedule_expression")] public string? ScheduleExpression { get; init; }
    [JsonPropertyName("time_zone")] public string? TimeZone { get; init; }
    [JsonPropertyName("start_at")] public string? StartAt { get; init; }
    [JsonPropertyName("end_at")] public string? EndAt { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("method")] public string? Method { get; init; }
    [JsonPropertyName("headers")] public Dictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
    [JsonPropertyName("max_attempts")] public int? MaxAttempts { get; init; }
    [JsonPropertyName("timeout_seconds")] public int? TimeoutSeconds { get; init; }
    [JsonPropertyName("catch_up")] public string? CatchUp { get; init; }
    [JsonPropertyName("overlap")] public string? Overlap { get; init; }
    [JsonPropertyName("state")] public string? State { get; init; }
    [JsonPropertyName("idempotency_key")] public string? IdempotencyKey { get; init; }

    /// <summary>This patch laid over <paramref name="current"/>: every field it leaves out takes the schedule's value.</summary>
    public RecurringScheduleRequest Over(RecurringSchedule current)
    {
        ArgumentNullException.ThrowIfNull(current);
        using var data = JsonDocument.Parse(current.Target.Data);
        return new RecurringScheduleRequest
        {
            ScheduleExpression = ScheduleExpression ?? current.Expression,
            TimeZone = TimeZone ?? current.TimeZone,
            StartAt = StartAt ?? (current.StartAt is { } start ? Timestamps.Format(start) : null),
            EndAt = EndAt ?? (current.EndAt is { } end ? Timestamps.Format(end) : null),
            Name = Name ?? current.Name,
            Url = Url ?? current.Target.Url,
            Method = Method ?? current.Target.Method,
            Headers = Headers ?? new Dictionary<string, string>(current.Target.Headers, StringComparer.OrdinalIgnoreCase),
            Data = Data ?? data.RootElement.Clone(),
            MaxAttempts = MaxAttempts ?? current.Target.MaxAttempts,
            TimeoutSeconds = TimeoutSeconds ?? current.Target.TimeoutSeconds,
            CatchUp = CatchUp ?? ScheduleNames.Of(current.CatchUp),
            Overlap = Overlap ?? ScheduleNames.Of(current.Overlap),
            State = State,
            IdempotencyKey = IdempotencyKey,
        };
    }
}
