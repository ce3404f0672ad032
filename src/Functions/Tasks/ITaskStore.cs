namespace Functions.Tasks;

/// <summary>
/// Where tasks are kept: the domain's port, implemented over DynamoDB (TaskStore) and over SQLite (the local
/// runner), both held to one contract by the store contract tests. Every status change is one conditional write
/// that follows <see cref="TaskStateMachine"/>, so two functions racing for one task can never both win.
/// </summary>
public interface ITaskStore
{
    /// <summary>
    /// Writes a new task (pending); with an idempotency key, atomically with the key's record (keys are per caller).
    /// A task id that exists already is not written again (a schedule's run made twice): not created, its id returned.
    /// </summary>
    Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken);

    Task<TaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Moves a task to <paramref name="target"/> if its current status may lead there (one conditional write).</summary>
    Task<MoveOutcome> MoveAsync(string taskId, TaskState target, TaskChanges changes, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the next attempt under <see cref="TaskStateMachine.CanClaim"/>: running, the attempt counted, the lease
    /// taken until <paramref name="leaseUntil"/>. Refused when the task is not due by <paramref name="dueBy"/>.
    /// </summary>
    Task<MoveOutcome> ClaimAsync(string taskId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Frees <paramref name="caller"/>'s idempotency key that still names <paramref name="taskId"/> (its scheduling failed).</summary>
    Task ReleaseIdempotencyKeyAsync(string caller, string key, string taskId, CancellationToken cancellationToken);

    /// <summary>Records the schedule of a retry, if the task is still retrying at that attempt.</summary>
    Task RecordRetryScheduleAsync(string taskId, int attempts, string scheduleName, string scheduleArn, CancellationToken cancellationToken);

    /// <summary>
    /// Newest first: one caller's tasks, or every caller's (<see cref="TaskFilter.Caller"/> null), of one status or all.
    /// A page may hold fewer than <paramref name="limit"/> tasks and still have a next cursor (a status filter reads a
    /// bounded number of tasks per page). Throws <see cref="FormatException"/> for a cursor it did not make for this filter.
    /// </summary>
    Task<TaskPage> ListAsync(TaskFilter filter, int limit, string? cursor, CancellationToken cancellationToken);

    /// <summary>The runs of one recurring schedule, newest first. Throws <see cref="FormatException"/> for a cursor it did not make.</summary>
    Task<TaskPage> ListRunsAsync(string scheduleId, int limit, string? cursor, CancellationToken cancellationToken);

    /// <summary>How many independent segments the sweep listing has (read them in parallel, like a parallel Scan's).</summary>
    int SweepSegments { get; }

    /// <summary>
    /// Ids of tasks in <paramref name="segment"/> whose <see cref="TaskRecord.SweepAt"/> is in (<paramref name="after"/>,
    /// <paramref name="until"/>], finished or not; a page at a time, in no particular order.
    /// </summary>
    Task<SweepPage> ListSweepDueAsync(int segment, DateTimeOffset after, DateTimeOffset until, string? cursor, CancellationToken cancellationToken);

    /// <summary>The tasks of <paramref name="taskIds"/> that exist (eventually consistent reads, in batches).</summary>
    Task<IReadOnlyList<TaskRecord>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken);

    /// <summary>Moves an unfinished task's sweep time (the sweeper re-armed it and looks again then); a finished one is left.</summary>
    Task PostponeSweepAsync(string taskId, DateTimeOffset sweepAt, CancellationToken cancellationToken);

    /// <summary>Where the sweeper stands (null before its first sweep).</summary>
    Task<SweepProgress?> GetSweepProgressAsync(CancellationToken cancellationToken);

    Task SetSweepProgressAsync(SweepProgress progress, CancellationToken cancellationToken);
}
