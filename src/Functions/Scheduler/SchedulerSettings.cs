namespace Functions.Scheduler;

/// <summary>Where wake-up schedules go (the group), and what they invoke: the forwarder, as the scheduler role,
/// with the dead-letter queue for invocations Scheduler gives up.</summary>
public sealed record SchedulerSettings(string GroupName, string RoleArn, string ForwarderArn, string DeadLetterQueueArn);
