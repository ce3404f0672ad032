namespace Functions.Tasks.Scheduling;

/// <summary>How a cancel ended.</summary>
public abstract record CancelResult
{
    private CancelResult()
    {
    }

    /// <summary>Cancelled now, or already (cancel is idempotent).</summary>
    public sealed record Cancelled(TaskRecord Task) : CancelResult;

    public sealed record NotFound : CancelResult;

    /// <summary>Running or finished: too late to cancel.</summary>
    public sealed record TooLate(TaskRecord Task) : CancelResult;
}
