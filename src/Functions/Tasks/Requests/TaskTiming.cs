namespace Functions.Tasks.Requests;

/// <summary>Which timing field a request gave.</summary>
public enum TimingKind
{
    /// <summary><c>delay_minutes</c>: the guide's field; the answer repeats it as <c>scheduled_in_minutes</c>.</summary>
    DelayMinutes,

    /// <summary><c>delay_seconds</c>.</summary>
    DelaySeconds,

    /// <summary><c>run_at</c>: a fixed instant.</summary>
    RunAt,
}

/// <summary>When a task runs: a delay from the moment it is accepted, or a fixed instant.</summary>
public sealed record TaskTiming(TimingKind Kind, TimeSpan? Delay, DateTimeOffset? At)
{
    /// <summary>The request's field name, as errors and the idempotency fingerprint name it.</summary>
    public string Field => Kind switch
    {
        TimingKind.DelayMinutes => "delay_minutes",
        TimingKind.DelaySeconds => "delay_seconds",
        _ => "run_at",
    };

    public DateTimeOffset RunAt(DateTimeOffset now) => At ?? now + Delay!.Value;

    /// <summary>
    /// The guide's <c>scheduled_in_minutes</c>: the minutes asked for when the request gave <c>delay_minutes</c>,
    /// otherwise the whole minutes, rounded up, from <paramref name="now"/> to <paramref name="runAt"/>.
    /// </summary>
    public long ScheduledInMinutes(DateTimeOffset runAt, DateTimeOffset now) => Kind == TimingKind.DelayMinutes
        ? (long)Delay!.Value.TotalMinutes
        : (long)Math.Ceiling(Math.Max(0, (runAt - now).TotalMinutes));
}
