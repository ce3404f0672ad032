namespace Functions.Tasks;

/// <summary>How a delivery attempt ended, as the metrics count it.</summary>
public enum AttemptEnd
{
    /// <summary>The target answered 2xx.</summary>
    Succeeded,

    /// <summary>It failed and another attempt is scheduled.</summary>
    Retried,

    /// <summary>It failed and the task ended failed (refused, attempts used up, or its worker lost).</summary>
    Failed,
}

/// <summary>
/// The product's promise, measured: tasks accepted, and every recorded delivery attempt with how late it was called
/// (call time minus the run_at it was due at) and how long the call took. The port of the domain; the adapter writes
/// CloudWatch metrics.
/// </summary>
public interface ITaskMetrics
{
    /// <summary>A task was accepted and its wake-up armed.</summary>
    void Scheduled(string taskId);

    /// <summary>An attempt's outcome was recorded; lateness and duration are null when no call was made.</summary>
    void Attempted(string taskId, AttemptEnd outcome, TimeSpan? lateness, TimeSpan? duration);
}
