namespace Functions.Tasks.Scheduling;

/// <summary>How a retry by hand ended.</summary>
public abstract record RetryResult
{
    private RetryResult()
    {
    }

    /// <summary>The task is pending again with a fresh attempt budget, its wake-up armed for its new run_at.</summary>
    public sealed record Retried(TaskRecord Task) : RetryResult;

    /// <summary>The request is not one the service accepts; every problem named by its field. Nothing was changed.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : RetryResult;

    public sealed record NotFound : RetryResult;

    /// <summary>The task's status does not allow a retry (<see cref="ForceWouldDo"/>: it succeeded, and force was not given).</summary>
    public sealed record WrongState(TaskRecord Task, bool ForceWouldDo) : RetryResult;

    /// <summary>The retry is recorded but its wake-up could not be armed: the sweeper arms it within five minutes of run_at.</summary>
    public sealed record WakeUpFailed(TaskRecord Task, string ErrorType) : RetryResult;
}
