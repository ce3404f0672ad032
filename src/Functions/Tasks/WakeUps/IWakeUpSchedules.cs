namespace Functions.Tasks.WakeUps;

/// <summary>One-time wake-up schedules (EventBridge Scheduler in AWS; the runner's own clock locally).</summary>
public interface IWakeUpSchedules
{
    /// <summary>Creates the schedule; its ARN. Creating a name that exists is the same create (its ARN again).</summary>
    /// <exception cref="WakeUpException">The service refused or failed.</exception>
    Task<string> CreateAsync(WakeUpSchedule schedule, CancellationToken cancellationToken);

    /// <summary>Deletes the schedule; false when there was none.</summary>
    /// <exception cref="WakeUpException">The service refused or failed.</exception>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
