using Functions.Tasks;

namespace Functions.Forwarder;

/// <summary>
/// How one attempt ends, as the forwarder records it: the next status, the result it shows, when a retry wakes, and
/// (when a call was made) how late it was sent after the task's run_at and how long it took.
/// </summary>
public sealed record AttemptOutcome(TaskState Next, LastResult Result, DateTimeOffset? RetryAt, TimeSpan? Lateness = null, TimeSpan? Duration = null);
