using Functions.Tasks;

namespace Functions.Forwarder;

/// <summary>How one attempt ends, as the forwarder records it: the next status, the result it shows, and when a retry wakes.</summary>
public sealed record AttemptOutcome(TaskState Next, LastResult Result, DateTimeOffset? RetryAt);
