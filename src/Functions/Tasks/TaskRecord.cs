namespace Functions.Tasks;

/// <summary>One task as the store holds it. The payload and headers live here, never in the schedule.</summary>
public sealed record TaskRecord
{
    /// <summary>How long past its run_at an unfinished task waits before the sweeper arms it a new wake-up.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(5);

    public required string TaskId { get; init; }

    /// <summary>The caller that scheduled it (<see cref="Callers.Caller"/>); only that caller and admins see it.</summary>
    public string Caller { get; init; } = Callers.Caller.BootstrapName;
    public required TaskState Status { get; init; }
    public required DateTimeOffset RunAt { get; init; }
    public required string Url { get; init; }
    public required string Method { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The JSON object to send, as its raw text.</summary>
    public required string Data { get; init; }
    public required int MaxAttempts { get; init; }
    public required int TimeoutSeconds { get; init; }
    public int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public string? ScheduleName { get; init; }
    public string? ScheduleArn { get; init; }
    public string? IdempotencyKey { get; init; }

    /// <summary>The HTTP status of the last attempt; null when it ended without one (or none was made).</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>What went wrong last, if anything: the last attempt's error, or why scheduling failed.</summary>
    public string? LastError { get; init; }

    /// <summary>The recurring schedule this task is a run of (null for a one-time task).</summary>
    public string? ScheduleId { get; init; }

    /// <summary>The schedule's occurrence this run is for.</summary>
    public DateTimeOffset? Occurrence { get; init; }

    /// <summary>A catch-up run: made for occurrences missed while nothing could fire them.</summary>
    public bool Late { get; init; }

    /// <summary>The last <see cref="Tasks.AttemptLog.MaxEntries"/> attempts, oldest first (written with each outcome).</summary>
    public IReadOnlyList<TaskAttempt> AttemptLog { get; init; } = [];

    /// <summary>How many times an operator or caller retried the task after it finished (<c>POST .../retry</c>).</summary>
    public int Retries { get; init; }

    /// <summary>The attempts made before the last manual retry: the attempt budget counts from here.</summary>
    public int AttemptsBefore { get; init; }

    /// <summary>When the task was last retried by hand.</summary>
    public DateTimeOffset? RetriedAt { get; init; }

    /// <summary>Attempts made since the last manual retry (all of them when there was none).</summary>
    public int BudgetUsed => Attempts - AttemptsBefore;

    /// <summary>Whether another attempt is within the budget (<see cref="MaxAttempts"/> since the last manual retry).</summary>
    public bool HasAttemptsLeft => BudgetUsed < MaxAttempts;

    /// <summary>While running: until when the claiming forwarder owns the attempt.</summary>
    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>Set when the sweeper re-armed the task: when it looks again (null: <see cref="LostAfter"/> past run_at).</summary>
    public DateTimeOffset? SweepAfter { get; init; }

    /// <summary>When the sweeper looks at the task if it has not finished by then.</summary>
    public DateTimeOffset SweepAt => SweepAfter ?? RunAt + LostAfter;
}
