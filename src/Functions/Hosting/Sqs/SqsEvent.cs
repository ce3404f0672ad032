using System.Text.Json.Serialization;

namespace Functions.Hosting.Sqs;

/// <summary>An SQS event from a Lambda event source mapping (only the members read here).</summary>
public sealed record SqsEvent
{
    [JsonPropertyName("Records")] public IReadOnlyList<SqsRecord>? Records { get; init; }
}

/// <summary>One message of an <see cref="SqsEvent"/>.</summary>
public sealed record SqsRecord
{
    [JsonPropertyName("messageId")] public string? MessageId { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }
    [JsonPropertyName("eventSource")] public string? EventSource { get; init; }
}
