using System.Text.Json.Serialization;

namespace Functions.Callbacks;

/// <summary>The guide's callback answer, and the examples' answers in its shape.</summary>
public sealed record CallbackResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("task_id")] long? TaskId = null,
    [property: JsonPropertyName("payment_id")] long? PaymentId = null,
    [property: JsonPropertyName("user_id")] long? UserId = null,
    [property: JsonPropertyName("file_id")] string? FileId = null);
