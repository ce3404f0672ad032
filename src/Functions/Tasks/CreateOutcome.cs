namespace Functions.Tasks;

/// <summary>How a create ended: the item (a task or a schedule) is new, or it exists already: its idempotency key names another item (its id and request fingerprint), or, with no key, the id itself was taken (a run made twice).</summary>
public sealed record CreateOutcome(bool Created, string? ExistingId, string? ExistingFingerprint);
