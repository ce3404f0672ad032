using System.Text.Json.Serialization;

namespace Functions.Forwarder;

/// <summary>A task that ended failed, as parked on the failed-deliveries queue: whose it is, and how it ended.</summary>
public sealed record FailedDeliveryRecord
{
    [JsonPropertyName("task_id")] public required string TaskId { get; init; }
    [JsonPropertyName("caller")] public string? Caller { get; init; }
    [JsonPropertyName("attempts")] public required int Attempts { get; init; }
    [JsonPropertyName("last_status_code")] public int? LastStatusCode { get; init; }
    [JsonPropertyName("last_error")] public string? LastError { get; init; }
    [JsonPropertyName("url")] public required string Url { get; init; }
    [JsonPropertyName("failed_at")] public required string FailedAt { get; init; }
}
