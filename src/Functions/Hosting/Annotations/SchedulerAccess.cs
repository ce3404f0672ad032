namespace Functions.Hosting.Annotations;

/// <summary>What a function may do with the schedules of the stack's schedule group.</summary>
[Flags]
public enum SchedulerAccess
{
    None = 0,

    /// <summary>CreateSchedule (and GetSchedule, to read back a create that conflicts), and passing the scheduler role.</summary>
    Create = 1,

    /// <summary>DeleteSchedule.</summary>
    Delete = 2,
}
