using Functions.Hosting;
using Functions.Tasks;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Forwarder;

/// <summary>
/// The safety net for "nothing accepted is ever lost": finds tasks whose wake-up may have been lost — still
/// <c>pending</c> well after the scheduling function's timeout (it died between writing the task and arming it),
/// <c>retrying</c> well past its run_at (its retry's wake-up was never armed), <c>running</c> with a lease long
/// expired (its worker died and no retry came) — and arms a new wake-up for each. Only these transient states are
/// swept, so a sweep reads few items however many tasks wait; <c>scheduled</c> tasks have a durable wake-up
/// (Scheduler retries for a day, then the dead-letter queue). A spare wake-up is harmless: the claim is conditional.
/// </summary>
public sealed partial class LostWakeUpSweeper(ITaskStore store, WakeUpTimer wakeUps, TimeProvider time, ILogger<LostWakeUpSweeper> logger)
{
    /// <summary>How overdue a task must be before it is re-armed (well past any normal lateness).</summary>
    public static readonly TimeSpan Overdue = TimeSpan.FromMinutes(5);

    /// <summary>Time kept before the invocation's deadline: a sweep stops paging then (the next one goes on).</summary>
    public static readonly TimeSpan Reserve = TimeSpan.FromSeconds(10);

    /// <summary>Re-arms every lost wake-up it finds before the invocation's deadline; how many.</summary>
    public async Task<int> SweepAsync(InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var rearmed = 0;
        foreach (var status in new[] { TaskState.Pending, TaskState.Retrying, TaskState.Running })
        {
            string? cursor = null;
            do
            {
                var page = await store.ListAsync(status, 100, cursor, context.CancellationToken).ConfigureAwait(false);
                foreach (var listed in page.Tasks)
                {
                    if (await LostAsync(listed, status, now, context.CancellationToken).ConfigureAwait(false) is { } task)
                    {
                        using var scope = logger.BeginTaskScope(task.TaskId);
                        var wakeAt = task.RunAt > now ? task.RunAt : now;
                        await wakeUps.ArmAsync(task.TaskId, wakeAt, WakeUpNames.Rearm(task.TaskId, task.Attempts + 1, wakeAt), now, context.CancellationToken).ConfigureAwait(false);
                        rearmed++;
                        LogRearmed(logger, task.TaskId, status);
                    }
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null && context.RemainingTime(time) > Reserve);
        }

        LogSwept(logger, rearmed);
        return rearmed;
    }

    private async Task<TaskRecord?> LostAsync(TaskRecord listed, TaskState status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidate = status switch
        {
            TaskState.Pending => listed.CreatedAt < now - Overdue,
            TaskState.Retrying => listed.RunAt < now - Overdue,
            _ => true,
        };
        if (!candidate)
        {
            return null;
        }

        // The index holds a projection; read the task itself (status may have moved, the lease is not projected).
        var task = await store.GetAsync(listed.TaskId, cancellationToken).ConfigureAwait(false);
        return task switch
        {
            null => null,
            { Status: TaskState.Running } when task.LeaseUntil is { } lease && lease < now - Overdue => task,
            { Status: TaskState.Running } => null,
            _ when task.Status != status => null,
            _ => task,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} was {Status} with no wake-up in sight; re-armed")]
    private static partial void LogRearmed(ILogger logger, string taskId, TaskState status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep done: {Rearmed} tasks re-armed")]
    private static partial void LogSwept(ILogger logger, int rearmed);
}
