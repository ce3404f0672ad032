namespace Functions.Tasks.WakeUps;

/// <summary>A one-time schedule that wakes the forwarder for <see cref="TaskId"/> at <see cref="FireAt"/>.</summary>
public sealed record WakeUpSchedule(string Name, string TaskId, DateTimeOffset FireAt);
