namespace Functions.Tasks;

/// <summary>One page of a listing, newest first, and the opaque cursor of the next (null on the last page).</summary>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? NextCursor);
