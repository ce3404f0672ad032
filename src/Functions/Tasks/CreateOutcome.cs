namespace Functions.Tasks;

/// <summary>How a create ended: the task is new, or its idempotency key already names another task.</summary>
public sealed record CreateOutcome(bool Created, string? ExistingTaskId, string? ExistingFingerprint);
