namespace Functions.Tasks;

/// <summary>
/// Where tasks are kept: the domain's port, implemented over DynamoDB (TaskStore) and over SQLite (the local
/// runner), both held to one contract by the store contract tests. Every status change is one conditional write
/// that follows <see cref="TaskStateMachine"/>, so two functions racing for one task can never both win.
/// </summary>
public interface ITaskStore
{
    /// <summary>Writes a new task (pending); with an idempotency key, atomically with the key's record.</summary>
    Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken);

    Task<TaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Moves a task to <paramref name="target"/> if its current status may lead there (one conditional write).</summary>
    Task<MoveOutcome> MoveAsync(string taskId, TaskState target, TaskChanges changes, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the next attempt under <see cref="TaskStateMachine.CanClaim"/>: running, the attempt counted, the lease
    /// taken until <paramref name="leaseUntil"/>. Refused when the task is not due by <paramref name="dueBy"/>.
    /// </summary>
    Task<MoveOutcome> ClaimAsync(string taskId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Frees an idempotency key that still names <paramref name="taskId"/> (its scheduling failed).</summary>
    Task ReleaseIdempotencyKeyAsync(string key, string taskId, CancellationToken cancellationToken);

    /// <summary>Records the schedule of a retry, if the task is still retrying at that attempt.</summary>
    Task RecordRetryScheduleAsync(string taskId, int attempts, string scheduleName, string scheduleArn, CancellationToken cancellationToken);

    /// <summary>Newest first; one status or all. Throws <see cref="FormatException"/> for a cursor it did not make.</summary>
    Task<TaskPage> ListAsync(TaskState? status, int limit, string? cursor, CancellationToken cancellationToken);
}
