using Functions.Tasks.Callers;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks.Scheduling;

/// <summary>Cancels tasks that have not started: the task ends cancelled, then its wake-up schedule is deleted.</summary>
public sealed partial class TaskCancellationService(ITaskStore store, IWakeUpSchedules schedules, ILogger<TaskCancellationService> logger)
{
    /// <summary>Cancels <paramref name="caller"/>'s task; another caller's task is not found (an admin's may be any).</summary>
    public async Task<CancelResult> CancelAsync(Caller caller, string taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        using var scope = logger.BeginTaskScope(taskId);

        // Owners never change, so reading first and moving after cannot let another caller's task through.
        var current = await store.GetAsync(taskId, cancellationToken).ConfigureAwait(false);
        if (current is null || !caller.CanSee(current.Caller))
        {
            return new CancelResult.NotFound();
        }

        // Owner of pending | scheduled | retrying -> cancelled. The forwarder's claim and this move are both
        // conditional on the status, so exactly one of them wins.
        var moved = await store.MoveAsync(taskId, TaskState.Cancelled, new TaskChanges(), cancellationToken).ConfigureAwait(false);
        if (!moved.Moved)
        {
            return moved.Task switch
            {
                null => new CancelResult.NotFound(),
                { Status: TaskState.Cancelled } task => new CancelResult.Cancelled(task),
                var task => new CancelResult.TooLate(task),
            };
        }

        var cancelled = moved.Task!;
        try
        {
            await schedules.DeleteAsync(cancelled.ScheduleName ?? WakeUpNames.First(taskId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WakeUpException or HttpRequestException or OperationCanceledException)
        {
            // The cancel is recorded: a schedule left behind (the delete failed or ran out of time) is harmless,
            // because when it fires the forwarder finds the task cancelled and does nothing.
            LogDeleteFailed(logger, ex, taskId);
        }

        LogCancelled(logger, taskId);
        return new CancelResult.Cancelled(cancelled);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled task {TaskId}")]
    private static partial void LogCancelled(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancelled task {TaskId} but could not delete its schedule; it will fire and be ignored")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string taskId);
}
