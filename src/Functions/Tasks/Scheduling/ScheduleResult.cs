namespace Functions.Tasks.Scheduling;

/// <summary>How a schedule request ended.</summary>
public abstract record ScheduleResult
{
    private ScheduleResult()
    {
    }

    /// <summary>The task exists and will run (or ran); <see cref="Replayed"/> when an idempotency key found it.</summary>
    public sealed record Accepted(TaskRecord Task, bool Replayed, long ScheduledInMinutes) : ScheduleResult;

    /// <summary>The request is not one the service accepts; every problem named by its field. Nothing was written.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ScheduleResult;

    /// <summary>The idempotency key names a task made from a different request.</summary>
    public sealed record KeyReused(string ExistingId) : ScheduleResult;

    /// <summary>The idempotency key's first request is still being accepted (its task not yet readable): try again shortly.</summary>
    public sealed record KeyInFlight(string ExistingId) : ScheduleResult;

    /// <summary>Arming the task's wake-up failed; the task ended failed. Busy (throttled): the caller may retry later.</summary>
    public sealed record WakeUpFailed(TaskRecord? Task, string ErrorType, bool Busy) : ScheduleResult;
}
