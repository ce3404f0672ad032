namespace Functions.Tasks.Recurring;

/// <summary>
/// Where recurring schedules are kept: the domain's port, over DynamoDB (TaskStore) and SQLite (the local runner),
/// both held to one contract. Every change is conditional on the version read, so racing writers never both win.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Writes a new schedule; with an idempotency key, atomically with the key's record (keys are per caller).</summary>
    Task<CreateOutcome> CreateAsync(RecurringSchedule schedule, string? fingerprint, CancellationToken cancellationToken);

    Task<RecurringSchedule?> GetAsync(string scheduleId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="schedule"/> if the stored one still has <see cref="RecurringSchedule.Version"/>; the
    /// schedule as written (its version one more), or null when it changed meanwhile or is gone.
    /// </summary>
    Task<RecurringSchedule?> ReplaceAsync(RecurringSchedule schedule, CancellationToken cancellationToken);

    /// <summary>Deletes the schedule and frees its idempotency key; false when there was none.</summary>
    Task<bool> DeleteAsync(RecurringSchedule schedule, CancellationToken cancellationToken);

    /// <summary>One caller's schedules, newest first, optionally of one state. Throws <see cref="FormatException"/> for a cursor it did not make.</summary>
    Task<SchedulePage> ListAsync(string caller, ScheduleState? state, int limit, string? cursor, CancellationToken cancellationToken);

    /// <summary>Ids of enabled schedules whose <see cref="RecurringSchedule.SweepAt"/> is at or before <paramref name="until"/> (their chain looks broken).</summary>
    Task<IReadOnlyList<string>> ListStalledAsync(DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>A page of schedules and the cursor of the next (null at the end).</summary>
public sealed record SchedulePage(IReadOnlyList<RecurringSchedule> Schedules, string? NextCursor);
