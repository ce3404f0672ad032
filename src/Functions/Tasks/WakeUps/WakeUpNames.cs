namespace Functions.Tasks.WakeUps;

/// <summary>
/// The names of a task's wake-up schedules: <c>task-{id}</c> for the first delivery, <c>task-{id}-{attempt}</c> for
/// a retry, and <c>task-{id}-{attempt}-w{unix seconds}</c> for a re-armed wake-up, so no two wake-ups share a name
/// (a create that conflicts is taken for the same create). At most 5 + 32 + 3 + 12 characters of the 64 allowed.
/// </summary>
public static class WakeUpNames
{
    public static string First(string taskId) => $"task-{taskId}";

    /// <summary>The wake-up of attempt <paramref name="attempt"/> (2 for the first retry).</summary>
    public static string Retry(string taskId, int attempt) => attempt <= 1 ? First(taskId) : $"task-{taskId}-{attempt}";

    /// <summary>A wake-up armed again for <paramref name="wakeAt"/> (woken early, or the lost one replaced).</summary>
    public static string Rearm(string taskId, int attempt, DateTimeOffset wakeAt) => $"task-{taskId}-{attempt}-w{wakeAt.ToUnixTimeSeconds()}";

    /// <summary>The wake-up of a recurring schedule's occurrence: <c>sched-{id}-{unix seconds}</c> (49 characters).</summary>
    public static string Occurrence(string scheduleId, DateTimeOffset occurrence) => $"sched-{scheduleId}-{occurrence.ToUnixTimeSeconds()}";

    /// <summary>An occurrence's wake-up armed again for <paramref name="wakeAt"/> (woken early, or re-armed by the sweeper).</summary>
    public static string OccurrenceRearm(string scheduleId, DateTimeOffset occurrence, DateTimeOffset wakeAt) => $"{Occurrence(scheduleId, occurrence)}-w{wakeAt.ToUnixTimeSeconds()}";
}
