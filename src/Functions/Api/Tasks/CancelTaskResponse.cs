using System.Text.Json.Serialization;

namespace Functions.Api.Tasks;

/// <summary>The answer to DELETE /api/v1/tasks/{task_id}.</summary>
public sealed record CancelTaskResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("status")] string Status);
