using System.Text.Json.Serialization;

namespace Functions.Tasks.DeadLetters;

/// <summary>The body of <c>POST /api/v1/dead-letters/redrive</c> (optional: an empty body redrives the caller's failed tasks).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RedriveRequest
{
    /// <summary>Only these tasks (at most <see cref="DeadLetterService.MaxPerRequest"/>); otherwise the first page of dead letters.</summary>
    [JsonPropertyName("task_ids")] public string[]? TaskIds { get; init; }

    /// <summary>Admins: only this caller's dead letters (otherwise every caller's).</summary>
    [JsonPropertyName("caller")] public string? Caller { get; init; }

    /// <summary>Admins: also wake again what the system dead-letter queue holds.</summary>
    [JsonPropertyName("system")] public bool? System { get; init; }
}
