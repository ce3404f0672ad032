namespace Functions.Scheduler;

/// <summary>The EventBridge Scheduler operations this project uses.</summary>
public interface ISchedulerClient
{
    /// <summary>Creates a schedule; its ARN. A ConflictException for the same name means it exists: its ARN is returned.</summary>
    Task<string> CreateScheduleAsync(string name, CreateScheduleRequest request, CancellationToken cancellationToken);

    /// <summary>The schedule, or null when there is none.</summary>
    Task<GetScheduleResponse?> GetScheduleAsync(string name, string groupName, CancellationToken cancellationToken);

    /// <summary>Deletes a schedule; false when there was none.</summary>
    Task<bool> DeleteScheduleAsync(string name, string groupName, CancellationToken cancellationToken);

    Task<ListSchedulesResponse> ListSchedulesAsync(string groupName, string? namePrefix, string? nextToken, CancellationToken cancellationToken);

    /// <summary>Creates a schedule group unless it exists (local runner and tests; the template makes the real one).</summary>
    Task EnsureScheduleGroupAsync(string groupName, CancellationToken cancellationToken);
}
