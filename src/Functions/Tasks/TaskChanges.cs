namespace Functions.Tasks;

/// <summary>What a move changes besides the status.</summary>
public sealed record TaskChanges
{
    public string? ScheduleArn { get; init; }
    public string? ScheduleName { get; init; }
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>When set, replaces both <see cref="TaskRecord.LastStatusCode"/> and <see cref="TaskRecord.LastError"/>.</summary>
    public LastResult? Result { get; init; }

    /// <summary>When set, replaces the task's attempt log (the forwarder appends its attempt with <see cref="AttemptLog.Append"/>).</summary>
    public IReadOnlyList<TaskAttempt>? AttemptLog { get; init; }

    /// <summary>A manual retry: counts it, records when, and starts a fresh attempt budget from the current attempts.</summary>
    public bool StartsRetry { get; init; }

    /// <summary>Move only if the task is still at this attempt (so a stale worker cannot overwrite a newer one).</summary>
    public int? ExpectedAttempts { get; init; }
}
