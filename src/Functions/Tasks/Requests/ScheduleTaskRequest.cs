using System.Text.Json;
using System.Text.Json.Serialization;

namespace Functions.Tasks.Requests;

/// <summary>The body of POST /api/v1/tasks/schedule: the original guide's fields plus the new ones, snake_case.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ScheduleTaskRequest
{
    [JsonPropertyName("delay_minutes")] public long? DelayMinutes { get; init; }
    [JsonPropertyName("delay_seconds")] public long? DelaySeconds { get; init; }
    [JsonPropertyName("run_at")] public string? RunAt { get; init; }
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("method")] public string? Method { get; init; }
    [JsonPropertyName("headers")] public Dictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("idempotency_key")] public string? IdempotencyKey { get; init; }
    [JsonPropertyName("max_attempts")] public int? MaxAttempts { get; init; }
    [JsonPropertyName("timeout_seconds")] public int? TimeoutSeconds { get; init; }
}
