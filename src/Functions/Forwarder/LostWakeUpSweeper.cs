using Functions.Hosting;
using Functions.Tasks;
using Functions.Tasks.Recurring;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Forwarder;

/// <summary>
/// The safety net for "nothing accepted is ever lost". Every task has a sweep time, <see cref="TaskRecord.LostAfter"/>
/// past its run_at (a retry moves it); by then it should have finished. Each sweep reads the tasks whose sweep time
/// came since the last sweep (the store keeps that checkpoint, so each task is read about once in its life, however
/// many wait; segments in parallel, each page's tasks in one batch read), and arms a new wake-up for every one still unfinished: still pending (its scheduling function died
/// before arming), scheduled or retrying long past its time (a wake-up lost), running (at its lease's end: if its
/// worker died, that wake-up takes the attempt over). A spare wake-up is harmless: the claim is conditional.
/// Recurring schedules whose chain stopped (still waiting on an occurrence five minutes past) get a wake-up for that
/// occurrence now; its firing applies the schedule's catch_up policy.
/// </summary>
public sealed partial class LostWakeUpSweeper(ITaskStore store, IScheduleStore schedules, ScheduleFiring firing, WakeUpTimer wakeUps, TimeProvider time, ILogger<LostWakeUpSweeper> logger)
{
    /// <summary>How far back the first sweep (no checkpoint yet) looks.</summary>
    public static readonly TimeSpan FirstLookBack = TimeSpan.FromHours(1);

    /// <summary>The most one window covers; a sweeper that falls behind catches up window by window.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>Time kept before the invocation's deadline: a sweep stops then, and the next one goes on where it stopped.</summary>
    public static readonly TimeSpan Reserve = TimeSpan.FromSeconds(10);

    /// <summary>How many of the store's sweep segments are read at once.</summary>
    public const int Parallelism = 16;

    /// <summary>Re-arms every lost wake-up in the window since the last sweep (or the rest of one under way); how many.</summary>
    public async Task<int> SweepAsync(InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var progress = await store.GetSweepProgressAsync(context.CancellationToken).ConfigureAwait(false)
            ?? new SweepProgress(now - FirstLookBack, null, [], []);
        var from = progress.SweptUntil;
        var until = progress.WindowUntil ?? (from + MaxWindow < now ? from + MaxWindow : now);
        var cursors = new System.Collections.Concurrent.ConcurrentDictionary<int, string>(progress.Cursors);
        var done = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>(progress.Done.Select(d => KeyValuePair.Create(d, true)));
        var rearmed = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, store.SweepSegments).Where(s => !done.ContainsKey(s)),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = context.CancellationToken },
            async (segment, cancellationToken) =>
            {
                while (context.RemainingTime(time) > Reserve)
                {
                    // A page of ids, then their tasks in one batch read: a finished task costs half a read unit.
                    var page = await store.ListSweepDueAsync(segment, from, until, cursors.GetValueOrDefault(segment), cancellationToken).ConfigureAwait(false);
                    foreach (var task in await store.GetManyAsync(page.TaskIds, cancellationToken).ConfigureAwait(false))
                    {
                        if (await RearmIfUnfinishedAsync(task, now, cancellationToken).ConfigureAwait(false))
                        {
                            Interlocked.Increment(ref rearmed);
                        }
                    }

                    if (page.NextCursor is null)
                    {
                        done[segment] = true;
                        cursors.TryRemove(segment, out _);
                        return;
                    }

                    cursors[segment] = page.NextCursor;
                }
            }).ConfigureAwait(false);

        rearmed += await RearmStalledSchedulesAsync(now, context.CancellationToken).ConfigureAwait(false);

        // Out of time: the segments' places are kept, and the next sweep goes on with this window from there.
        var complete = done.Count == store.SweepSegments;
        await store.SetSweepProgressAsync(
            complete ? new SweepProgress(until, null, [], []) : new SweepProgress(from, until, new(cursors), [.. done.Keys.Order()]),
            context.CancellationToken).ConfigureAwait(false);
        LogSwept(logger, rearmed, complete);
        return rearmed;
    }

    private async Task<int> RearmStalledSchedulesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rearmed = 0;
        foreach (var scheduleId in await schedules.ListStalledAsync(now, cancellationToken).ConfigureAwait(false))
        {
            // Read again: the index is eventually consistent, and the chain may have moved on since.
            if (await schedules.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false) is { SweepAt: { } sweepAt } schedule && sweepAt <= now)
            {
                await firing.RearmStalledAsync(schedule, now, cancellationToken).ConfigureAwait(false);
                rearmed++;
            }
        }

        return rearmed;
    }

    private async Task<bool> RearmIfUnfinishedAsync(TaskRecord task, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (TaskStateMachine.IsFinal(task.Status) || task.SweepAt > now)
        {
            return false;
        }

        using var scope = logger.BeginTaskScope(task.TaskId);
        var wakeAt = task.RunAt > now ? task.RunAt : now;
        if (task is { Status: TaskState.Running, LeaseUntil: { } lease } && lease >= wakeAt)
        {
            wakeAt = lease + TimeSpan.FromSeconds(1);
        }

        await wakeUps.ArmAsync(task.TaskId, wakeAt, WakeUpNames.Rearm(task.TaskId, task.Attempts + 1, wakeAt), now, cancellationToken).ConfigureAwait(false);

        // Looked at again if this wake-up is lost too (a task is never left with no look ahead of it).
        await store.PostponeSweepAsync(task.TaskId, wakeAt + TaskRecord.LostAfter, cancellationToken).ConfigureAwait(false);
        LogRearmed(logger, task.TaskId, task.Status);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} was {Status} past its time; armed a new wake-up")]
    private static partial void LogRearmed(ILogger logger, string taskId, TaskState status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep done: {Rearmed} tasks re-armed (window complete: {Complete})")]
    private static partial void LogSwept(ILogger logger, int rearmed, bool complete);
}
