namespace Functions.Tasks;

/// <summary>How a move ended: moved (with the task after it), or refused (with the task as it is, null when unknown).</summary>
public sealed record MoveOutcome(bool Moved, TaskRecord? Task);
