namespace Functions.Tasks.WakeUps;

/// <summary>A one-time schedule that sends <see cref="Message"/> to the forwarder at <see cref="FireAt"/>.</summary>
public sealed record WakeUpSchedule(string Name, WakeUpMessage Message, DateTimeOffset FireAt);
