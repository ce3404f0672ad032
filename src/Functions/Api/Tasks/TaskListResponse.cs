using System.Text.Json.Serialization;

namespace Functions.Api.Tasks;

/// <summary>A page of tasks, newest first, and the cursor of the next page (null on the last).</summary>
public sealed record TaskListResponse(
    [property: JsonPropertyName("tasks")] IReadOnlyList<TaskResponse> Tasks,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
