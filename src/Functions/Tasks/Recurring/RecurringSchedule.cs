using Functions.Tasks.Requests;

namespace Functions.Tasks.Recurring;

/// <summary>
/// One recurring schedule as the store holds it: when it fires (its expression in its zone, between its start and
/// end), what each run calls (the same target fields as a one-time task), its policies, and where its wake-up chain
/// stands. <see cref="NextRunAt"/> is the one occurrence a wake-up is armed for; a wake-up for any other is stale.
/// Every change is written with <see cref="Version"/> as its condition (<see cref="IScheduleStore.ReplaceAsync"/>),
/// so an edit, a pause and a firing racing for one schedule never both win.
/// </summary>
public sealed record RecurringSchedule
{
    /// <summary>How long past its next occurrence an enabled schedule waits before the sweeper re-arms its chain.</summary>
    public static readonly TimeSpan LostAfter = TaskRecord.LostAfter;

    /// <summary>How many skipped occurrences are kept (the count covers all).</summary>
    public const int SkippedKept = 10;

    public required string ScheduleId { get; init; }
    public required string Caller { get; init; }
    public string? Name { get; init; }
    public required string Expression { get; init; }
    public required string TimeZone { get; init; }
    public DateTimeOffset? StartAt { get; init; }
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>Where a rate counts from: its start, or when it was created or its timing last changed.</summary>
    public required DateTimeOffset Anchor { get; init; }

    /// <summary>What each run calls: the same fields, checked the same way, as a one-time task's.</summary>
    public required TaskTarget Target { get; init; }
    public CatchUpPolicy CatchUp { get; init; }
    public OverlapPolicy Overlap { get; init; }
    public required ScheduleState State { get; init; }

    /// <summary>The occurrence the armed wake-up is for; null when paused or ended.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The name of the wake-up schedule armed for <see cref="NextRunAt"/>, should one be needed (it follows from the two).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? WakeUpName => NextRunAt is { } next ? WakeUps.WakeUpNames.Occurrence(ScheduleId, next) : null;

    /// <summary>Its ARN, when the wait was long enough for an EventBridge schedule (a short one rides the queue).</summary>
    public string? WakeUpArn { get; init; }

    public ScheduleRun? LastRun { get; init; }

    /// <summary>The latest skipped occurrences, newest last (at most <see cref="SkippedKept"/>).</summary>
    public IReadOnlyList<SkippedRun> Skipped { get; init; } = [];

    public int SkippedCount { get; init; }
    public string? IdempotencyKey { get; init; }
    public int Version { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the sweeper looks at the schedule if its chain has not moved on by then (enabled only).</summary>
    public DateTimeOffset? SweepAt => State == ScheduleState.Enabled && NextRunAt is { } next ? next + LostAfter : null;
}

/// <summary>A run a schedule made: its task, the occurrence it is for, the wake-up that made it, and whether it ran late (catch-up).</summary>
public sealed record ScheduleRun(string TaskId, DateTimeOffset Occurrence, DateTimeOffset RunAt, DateTimeOffset? WokenFor, bool Late);

/// <summary>An occurrence that made no run, and why (<c>missed</c> under catch_up none or folded into a late run; <c>overlap</c>).</summary>
public sealed record SkippedRun(DateTimeOffset Occurrence, string Reason);

/// <summary>A schedule's life: enabled (firing), paused (by its caller), ended (its end passed, or no occurrence is left).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ScheduleState>))]
public enum ScheduleState
{
    Enabled,
    Paused,
    Ended,
}

/// <summary>What happens to occurrences missed while nothing could fire them (the runner stopped, a wake-up lost).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CatchUpPolicy>))]
public enum CatchUpPolicy
{
    /// <summary>One run for all of them, at once, marked late (default).</summary>
    Latest,

    /// <summary>None: they are recorded as skipped.</summary>
    None,
}

/// <summary>What happens when an occurrence comes while the previous run is unfinished.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<OverlapPolicy>))]
public enum OverlapPolicy
{
    /// <summary>It runs anyway (default).</summary>
    Allow,

    /// <summary>It is recorded as skipped.</summary>
    Skip,
}

/// <summary>The names the API and the store use for the schedule enums.</summary>
public static class ScheduleNames
{
    public static string Of(ScheduleState state) => state switch
    {
        ScheduleState.Enabled => "enabled",
        ScheduleState.Paused => "paused",
        _ => "ended",
    };

    public static string Of(CatchUpPolicy policy) => policy == CatchUpPolicy.None ? "none" : "latest";

    public static string Of(OverlapPolicy policy) => policy == OverlapPolicy.Skip ? "skip" : "allow";

    public static bool TryParse(string? text, out ScheduleState state) => TryParse(text, Of, out state);

    public static bool TryParse(string? text, out CatchUpPolicy policy) => TryParse(text, Of, out policy);

    public static bool TryParse(string? text, out OverlapPolicy policy) => TryParse(text, Of, out policy);

    private static bool TryParse<T>(string? text, Func<T, string> name, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
