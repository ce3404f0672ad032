namespace Functions.Tasks;

/// <summary>One page of a listing, newest first, and the opaque cursor of the next (null on the last page).</summary>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? NextCursor);

/// <summary>What a listing shows: one caller's tasks (null: every caller's) and one status (null: all).</summary>
public sealed record TaskFilter(string? Caller, TaskState? Status);

/// <summary>
/// Where the sweeper stands: every sweep time up to <see cref="SweptUntil"/> has been looked at; a window up to
/// <see cref="WindowUntil"/> is under way, with each segment's cursor and the segments done, so a sweep that runs out
/// of time hands the rest to the next one instead of starting the window over.
/// </summary>
public sealed record SweepProgress(DateTimeOffset SweptUntil, DateTimeOffset? WindowUntil, Dictionary<int, string> Cursors, List<int> Done);

/// <summary>One page of task ids for the sweeper, and the cursor of the next (null on the last page).</summary>
public sealed record SweepPage(IReadOnlyList<string> TaskIds, string? NextCursor);
