using System.Text.Json.Serialization;

namespace Functions.Tasks.Requests;

/// <summary>The body of <c>POST /api/v1/tasks/{task_id}/retry</c> (optional: an empty body retries a failed task now).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RetryTaskRequest
{
    /// <summary>Deliver a task that succeeded again too (a failed one needs no force).</summary>
    [JsonPropertyName("force")] public bool? Force { get; init; }

    /// <summary>When to deliver it (RFC 3339); now when absent.</summary>
    [JsonPropertyName("run_at")] public string? RunAt { get; init; }
}
