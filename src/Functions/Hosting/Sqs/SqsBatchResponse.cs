using System.Text.Json.Serialization;

namespace Functions.Hosting.Sqs;

/// <summary>The partial batch response (ReportBatchItemFailures): only these messages return to the queue.</summary>
public sealed record SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")] public required IReadOnlyList<SqsBatchItemFailure> BatchItemFailures { get; init; }
}

/// <summary>One message of a batch that failed, by its id.</summary>
public sealed record SqsBatchItemFailure
{
    [JsonPropertyName("itemIdentifier")] public required string ItemIdentifier { get; init; }
}
