using Functions.Scheduler;

namespace Functions.Local.Embedded;

/// <summary>A schedule that has come due, as the runner fires it.</summary>
public sealed record DueSchedule(string Group, string Name, CreateScheduleRequest Request, int Failures);
