namespace Functions.Tasks;

/// <summary>One page of a listing, newest first, and the opaque cursor of the next (null on the last page).</summary>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? NextCursor);

/// <summary>What a listing shows: one caller's tasks (null: every caller's) and one status (null: all).</summary>
public sealed record TaskFilter(string? Caller, TaskState? Status);

/// <summary>One page of task ids for the sweeper, and the cursor of the next (null on the last page).</summary>
public sealed record SweepPage(IReadOnlyList<string> TaskIds, string? NextCursor);
