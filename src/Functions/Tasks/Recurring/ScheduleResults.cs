namespace Functions.Tasks.Recurring;

/// <summary>A schedule as the API shows it: the record, the occurrences that will fire next, and its last run's task.</summary>
public sealed record ScheduleView(RecurringSchedule Schedule, IReadOnlyList<DateTimeOffset> NextRuns, TaskRecord? LastRunTask);

/// <summary>How a create or a change ended.</summary>
public abstract record ScheduleOutcome
{
    private ScheduleOutcome()
    {
    }

    /// <summary>Written (<see cref="Created"/>: new), or, for a create, the same request's schedule again (<see cref="Replayed"/>).</summary>
    public sealed record Saved(ScheduleView View, bool Created, bool Replayed) : ScheduleOutcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : ScheduleOutcome;

    public sealed record NotFound : ScheduleOutcome;

    /// <summary>The idempotency key names a schedule made by another request.</summary>
    public sealed record KeyReused(string ExistingId) : ScheduleOutcome;

    /// <summary>The schedule's wake-up could not be armed; a create was undone, a change is saved and re-armed by the sweeper.</summary>
    public sealed record WakeUpFailed(string ErrorType, bool Busy, bool ChangeSaved) : ScheduleOutcome;

    /// <summary>The schedule kept changing under this request.</summary>
    public sealed record Conflict : ScheduleOutcome;
}

/// <summary>A page of a caller's schedules (or a cursor that is not this listing's).</summary>
public abstract record ScheduleListOutcome
{
    private ScheduleListOutcome()
    {
    }

    public sealed record Listed(IReadOnlyList<ScheduleView> Schedules, string? NextCursor) : ScheduleListOutcome;

    public sealed record BadCursor(string Message) : ScheduleListOutcome;

    public sealed record Forbidden(string Message) : ScheduleListOutcome;
}
