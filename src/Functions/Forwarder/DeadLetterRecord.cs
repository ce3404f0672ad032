using System.Text.Json.Serialization;

namespace Functions.Forwarder;

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
