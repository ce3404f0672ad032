using Functions.Tasks;

namespace Functions.Forwarder;

/// <summary>
/// How one attempt ends, as the forwarder records it: the next status, the result it shows, when a retry wakes, and
/// (when a call was made) how late it was sent after the task's run_at and how long it took.
/// </summary>
public sealed record AttemptOutcome(TaskState Next, LastResult Result, DateTimeOffset? RetryAt, TimeSpan? Lateness = null, TimeSpan? Duration = null)
{
    /// <summary>When the call was sent (null: none was, as when the worker was lost).</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Why it did not succeed (<see cref="AttemptErrors"/>).</summary>
    public string? ErrorKind { get; init; }

    public ResponseSnippet? Response { get; init; }

    /// <summary>The attempt log's entry for <paramref name="task"/>'s current attempt, ended this way.</summary>
    public TaskAttempt Entry(TaskRecord task, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TaskAttempt
        {
            Attempt = task.Attempts,
            Retry = task.Retries,
            StartedAt = SentAt ?? now,
            DurationMs = Duration is { } d ? Math.Round(d.TotalMilliseconds, 1) : null,
            StatusCode = Result.StatusCode,
            ErrorKind = ErrorKind,
            Error = Result.StoredError,
            Response = Response?.Text,
            ResponseBytes = Response?.Bytes,
            Outcome = TaskStateMachine.Name(Next),
            NextRetryAt = RetryAt,
        };
    }
}
