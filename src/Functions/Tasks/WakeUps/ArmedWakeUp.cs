namespace Functions.Tasks.WakeUps;

/// <summary>Where a task's wake-up went: a schedule (its ARN), or the delivery queue.</summary>
public sealed record ArmedWakeUp(string? ScheduleArn, bool Queued);
