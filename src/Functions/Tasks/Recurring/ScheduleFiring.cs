using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks.Recurring;

/// <summary>
/// What a schedule's wake-up means: the chain of one-time wake-ups through the second-precision path, each firing
/// arming the next. Wake-ups come at least once, so every step is safe to repeat. A firing is one conditional write
/// of the schedule (its version): the next occurrence, the run it makes, what it skipped; only the wake-up armed for
/// <see cref="RecurringSchedule.NextRunAt"/> can make it, so a duplicate or a stale wake-up makes nothing. The next
/// wake-up is armed just before that write (so the write records it), and the run's task is created after it under
/// an id that follows from (schedule, occurrence) (<see cref="ScheduleIds.RunId"/>), so however often that is
/// repeated there is one run; the caller (the forwarder) then delivers it like any task. If the invocation dies
/// after the write, its retry finds the firing recorded (<see cref="ScheduleRun.WokenFor"/>) and creates the run if
/// it is missing; if everything is lost, the sweeper re-arms the chain.
/// </summary>
public sealed partial class ScheduleFiring(IScheduleStore schedules, ITaskStore tasks, WakeUpTimer wakeUps, ITaskMetrics metrics, TimeProvider time, ILogger<ScheduleFiring> logger)
{
    /// <summary>An occurrence fired later than this after its time was missed (the runner stopped, a wake-up lost): catch_up decides.</summary>
    public static readonly TimeSpan MissedAfter = TimeSpan.FromMinutes(1);

    /// <summary>A wake-up earlier than this before its occurrence arms the rest of the wait instead (as the forwarder does for a task).</summary>
    public static readonly TimeSpan MaxEarly = TimeSpan.FromSeconds(2);

    /// <summary>How many missed occurrences one firing reads at most (a week of a minute cron is 10,080).</summary>
    public const int MaxMissedScan = 200_000;

    private const int ScanBatch = 256;

    /// <summary>Handles the wake-up armed for <paramref name="wokenFor"/>; the run to deliver now, if it made (or had made) one.</summary>
    public async Task<FiredRun?> FireAsync(string scheduleId, DateTimeOffset wokenFor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var schedule = await schedules.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false);
            if (schedule is null)
            {
                LogGone(logger, scheduleId);
                return null;
            }

            if (schedule.State != ScheduleState.Enabled || !Timestamps.SameMillisecond(schedule.NextRunAt, wokenFor))
            {
                return await FinishRecordedAsync(schedule, wokenFor, cancellationToken).ConfigureAwait(false);
            }

            var now = time.GetUtcNow();
            if (wokenFor - now > MaxEarly)
            {
                // Woken early (a long wait's schedule, or a queue delay capped at 15 minutes): arm the rest.
                await wakeUps.ArmAsync(WakeUp(schedule, wokenFor), wokenFor, WakeUpNames.OccurrenceRearm(scheduleId, wokenFor, wokenFor), now, cancellationToken).ConfigureAwait(false);
                return null;
            }

            var fired = await DecideAsync(schedule, wokenFor, now, cancellationToken).ConfigureAwait(false);

            // The next wake-up is armed before the write, so the write records its ARN and a firing that is written
            // is never left without its successor. If the write then loses a race, that wake-up is stale or a
            // duplicate of the winner's (same name, same occurrence), and does nothing.
            if (fired.NextRunAt is { } next)
            {
                var armed = await wakeUps.ArmAsync(WakeUp(fired, next), next, fired.WakeUpName!, now, cancellationToken).ConfigureAwait(false);
                fired = fired with { WakeUpArn = armed.ScheduleArn };
            }

            var written = await schedules.ReplaceAsync(fired, cancellationToken).ConfigureAwait(false);
            if (written is null)
            {
                // Edited, paused or fired by a duplicate meanwhile: look again (a few times; then the invocation's retry does).
                if (attempt >= 4)
                {
                    throw new InvalidOperationException($"Schedule {scheduleId} kept changing while it fired.");
                }

                continue;
            }

            var run = written.LastRun is { } last && Timestamps.SameMillisecond(last.WokenFor, wokenFor) ? last : null;
            var (firedFor, nextText) = (Timestamps.Format(wokenFor), written.NextRunAt is { } n ? Timestamps.Format(n) : null);
            LogFired(logger, scheduleId, firedFor, run?.TaskId, nextText);
            return run is null ? null : new FiredRun(run.TaskId, await CreateRunAsync(written, run, now, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Arms the wake-up of the schedule's next occurrence (none when it has none); records an EventBridge schedule's ARN.</summary>
    public async Task ArmNextAsync(RecurringSchedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.State != ScheduleState.Enabled || schedule.NextRunAt is not { } next)
        {
            return;
        }

        var armed = await wakeUps.ArmAsync(WakeUp(schedule, next), next, WakeUpNames.Occurrence(schedule.ScheduleId, next), now, cancellationToken).ConfigureAwait(false);
        if (armed.ScheduleArn is { } arn)
        {
            // Best effort: a schedule that changed meanwhile has armed its own wake-up.
            await schedules.ReplaceAsync(schedule with { WakeUpArn = arn }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Arms a wake-up for the occurrence a stalled chain is waiting on, now (the sweeper): its firing applies catch_up.</summary>
    public async Task RearmStalledAsync(RecurringSchedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.State == ScheduleState.Enabled && schedule.NextRunAt is { } next)
        {
            await wakeUps.ArmAsync(WakeUp(schedule, next), now, WakeUpNames.OccurrenceRearm(schedule.ScheduleId, next, now), now, cancellationToken).ConfigureAwait(false);
            var waitingOn = Timestamps.Format(next);
            LogRearmed(logger, schedule.ScheduleId, waitingOn);
        }
    }

    /// <summary>The run task of <paramref name="run"/>, with the schedule's target as it is now; created once, however often asked (the task when this call created it, else null).</summary>
    public async Task<TaskRecord?> CreateRunAsync(RecurringSchedule schedule, ScheduleRun run, DateTimeOffset now, CancellationToken cancellationToken, string? wakeUpName = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(run);
        var task = new TaskRecord
        {
                TaskId = run.TaskId,
                Caller = schedule.Caller,
                Status = TaskState.Pending,
                RunAt = run.RunAt,
                Url = schedule.Target.Url,
                Method = schedule.Target.Method,
                Headers = new Dictionary<string, string>(schedule.Target.Headers, StringComparer.OrdinalIgnoreCase),
                Data = schedule.Target.Data,
                MaxAttempts = schedule.Target.MaxAttempts,
                TimeoutSeconds = schedule.Target.TimeoutSeconds,
                CreatedAt = now,
                UpdatedAt = now,
                ScheduleName = wakeUpName,
                ScheduleId = schedule.ScheduleId,
                Occurrence = run.Occurrence,
                Late = run.Late,
        };
        if (!(await tasks.CreateAsync(task, null, cancellationToken).ConfigureAwait(false)).Created)
        {
            return null;
        }

        metrics.Scheduled(run.TaskId);
        return task;
    }

    /// <summary>
    /// A wake-up for an occurrence the schedule is no longer waiting on. If this wake-up's firing was recorded (its
    /// invocation died after the write, and this is its retry or a duplicate), the rest of that firing is done again
    /// (each step is idempotent) and its run delivered; otherwise it is stale and does nothing.
    /// </summary>
    private async Task<FiredRun?> FinishRecordedAsync(RecurringSchedule schedule, DateTimeOffset wokenFor, CancellationToken cancellationToken)
    {
        if (schedule.LastRun is not { } run || !Timestamps.SameMillisecond(run.WokenFor, wokenFor))
        {
            var (staleFor, state) = (Timestamps.Format(wokenFor), ScheduleNames.Of(schedule.State));
            LogStale(logger, schedule.ScheduleId, staleFor, state);
            return null;
        }

        // The next wake-up was armed before the write; only the run's task may be missing.
        return new FiredRun(run.TaskId, await CreateRunAsync(schedule, run, time.GetUtcNow(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The schedule after this firing: every occurrence from <paramref name="wokenFor"/> up to now is due. The latest
    /// runs on time if it is within <see cref="MissedAfter"/>; older ones were missed. Under catch_up latest, missed
    /// occurrences are folded into one run of the latest (late, run now, when even the latest was missed); under none
    /// they make no run. Under overlap skip, no run is made while the previous one is unfinished.
    /// </summary>
    private async Task<RecurringSchedule> DecideAsync(RecurringSchedule schedule, DateTimeOffset wokenFor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var missed = new List<DateTimeOffset>();
        var missedCount = 0;
        var latest = wokenFor;
        DateTimeOffset? next = null;
        for (var cursor = wokenFor; next is null && missedCount < MaxMissedScan;)
        {
            var batch = ScheduleTimes.After(schedule, cursor, ScanBatch);
            foreach (var occurrence in batch)
            {
                if (occurrence > now)
                {
                    next = occurrence;
                    break;
                }

                Keep(missed, latest);
                missedCount++;
                latest = occurrence;
            }

            if (batch.Count < ScanBatch)
            {
                break;
            }

            cursor = batch[^1];
        }

        var skipped = missed.Select(o => new SkippedRun(o, "missed")).ToList();
        ScheduleRun? run = null;
        if (now - latest <= MissedAfter)
        {
            run = new ScheduleRun(ScheduleIds.RunId(schedule.ScheduleId, latest), latest, latest, wokenFor, Late: missedCount > 0 && schedule.CatchUp == CatchUpPolicy.Latest);
        }
        else if (schedule.CatchUp == CatchUpPolicy.Latest)
        {
            run = new ScheduleRun(ScheduleIds.RunId(schedule.ScheduleId, latest), latest, now, wokenFor, Late: true);
        }
        else
        {
            skipped.Add(new SkippedRun(latest, "missed"));
            missedCount++;
        }

        if (run is not null && schedule.Overlap == OverlapPolicy.Skip && schedule.LastRun is { } previous
            && await tasks.GetAsync(previous.TaskId, cancellationToken).ConfigureAwait(false) is { } previousTask
            && !TaskStateMachine.IsFinal(previousTask.Status))
        {
            var skippedFor = Timestamps.Format(run.Occurrence);
            LogOverlap(logger, schedule.ScheduleId, skippedFor, previous.TaskId);
            skipped.Add(new SkippedRun(run.Occurrence, "overlap"));
            missedCount++;
            run = null;
        }

        return schedule with
        {
            State = next is null ? ScheduleState.Ended : ScheduleState.Enabled,
            NextRunAt = next,
            WakeUpArn = null,
            LastRun = run ?? schedule.LastRun,
            Skipped = [.. schedule.Skipped.Concat(skipped).TakeLast(RecurringSchedule.SkippedKept)],
            SkippedCount = schedule.SkippedCount + missedCount,
            UpdatedAt = now,
        };
    }

    private static void Keep(List<DateTimeOffset> missed, DateTimeOffset occurrence)
    {
        missed.Add(occurrence);
        if (missed.Count > RecurringSchedule.SkippedKept)
        {
            missed.RemoveAt(0);
        }
    }

    /// <summary>
    /// Loads the time zone database and runs the occurrence code once, off the request path (the forwarder's init
    /// starts it): NodaTime reads its TZDB on first use, some 50-70 ms, which would otherwise delay the first run.
    /// </summary>
    public static Task WarmUpAsync() => Task.Run(() =>
    {
        if (ScheduleExpression.TryParse("cron(0/5 9-17 ? * MON-FRI *)", out var expression, out _) && Occurrences.Zone("America/New_York") is { } zone)
        {
            ScheduleTimes.After(expression!, zone, DateTimeOffset.UnixEpoch, null, null, DateTimeOffset.UtcNow, 2);
        }
    });

    private static WakeUpMessage WakeUp(RecurringSchedule schedule, DateTimeOffset occurrence) =>
        new() { ScheduleId = schedule.ScheduleId, Occurrence = Timestamps.Format(occurrence) };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Woken for schedule {ScheduleId}, which no longer exists; nothing to do")]
    private static partial void LogGone(ILogger logger, string scheduleId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Woken for occurrence {Occurrence} of schedule {ScheduleId}, which is {State} and not waiting on it; nothing to do")]
    private static partial void LogStale(ILogger logger, string scheduleId, string occurrence, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} fired for {Occurrence}: run {RunId}, next occurrence {NextRunAt}")]
    private static partial void LogFired(ILogger logger, string scheduleId, string occurrence, string? runId, string? nextRunAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} skipped {Occurrence}: its previous run {TaskId} is unfinished (overlap skip)")]
    private static partial void LogOverlap(ILogger logger, string scheduleId, string occurrence, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} was still waiting on {Occurrence} past its time; armed a new wake-up")]
    private static partial void LogRearmed(ILogger logger, string scheduleId, string occurrence);
}

/// <summary>The run a firing made (or had made): its task id, and the task itself when this firing created it (no need to read it back).</summary>
public sealed record FiredRun(string TaskId, TaskRecord? Created);
