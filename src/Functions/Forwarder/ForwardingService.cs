using Functions.Hosting;
using Functions.Tasks;
using Functions.Tasks.Recurring;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Forwarder;

/// <summary>
/// What a wake-up means. Scheduler and SQS deliver at least once, so every step is safe to repeat: a task that is
/// finished needs nothing; one whose attempt another worker holds is looked at again when that lease ends; one that
/// is not due has its wake-up armed again; a due task is claimed with one conditional update (its attempt counted,
/// a lease taken); only the claimant calls the target (<see cref="TargetCall"/>), and records the outcome
/// conditionally on still holding that attempt, then arms the retry or parks the failure (<see cref="FailedDeliveries"/>).
/// A recurring schedule's wake-up goes to <see cref="ScheduleFiring"/> first, and the run it makes is delivered here
/// at once, like a task woken for it.
/// </summary>
public sealed partial class ForwardingService(
    ITaskStore store,
    ScheduleFiring firing,
    WakeUpTimer wakeUps,
    TargetCall target,
    RetryBackoff backoff,
    FailedDeliveries deadLetters,
    ITaskMetrics metrics,
    TimeProvider time,
    ILogger<ForwardingService> logger)
{
    /// <summary>A wake-up this close to run_at waits out the rest in the function instead of re-arming.</summary>
    public static readonly TimeSpan MaxInvocationWait = TimeSpan.FromSeconds(2);

    /// <summary>Time kept after the target's call to record the outcome before the invocation's deadline.</summary>
    public static readonly TimeSpan RecordingReserve = TimeSpan.FromSeconds(3);

    /// <summary>How long a lease outlives the attempt's own timeout: a worker still alive records well within it.</summary>
    public static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(60);

    public async Task ProcessAsync(WakeUpMessage wakeUp, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(wakeUp);
        ArgumentNullException.ThrowIfNull(context);
        TaskRecord? created = null;
        if (wakeUp.TaskId is null && wakeUp.ScheduleId is { } scheduleId)
        {
            using var scheduleScope = logger.BeginScope(LogKeys(wakeUp));
            var occurrence = Timestamps.Parse(wakeUp.Occurrence ?? throw new ArgumentException("A schedule's wake-up names its occurrence.", nameof(wakeUp)));
            if (await firing.FireAsync(scheduleId, occurrence, context.CancellationToken).ConfigureAwait(false) is not { } run)
            {
                return;
            }

            (wakeUp, created) = (new WakeUpMessage { TaskId = run.TaskId }, run.Created);
        }

        var taskId = wakeUp.TaskId ?? throw new ArgumentException("A wake-up names its task.", nameof(wakeUp));
        using var scope = logger.BeginScope(LogKeys(wakeUp));

        // A run this invocation just created is as written: no need to read it back (one store call less before the call).
        var task = created ?? await store.GetAsync(taskId, context.CancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        switch (task)
        {
            case null:
                LogUnknown(logger, taskId);
                return;
            case { Status: var status } when TaskStateMachine.IsFinal(status):
                LogNothingToDo(logger, taskId, status);
                return;
            case { Status: TaskState.Running, LeaseUntil: { } lease } when lease > now:
                // Another worker holds the attempt. Come back when its lease ends: if it finished, there is nothing
                // to do then; if it died, that wake-up takes the attempt over. Never just drop the wake-up.
                await RearmAsync(task, lease + TimeSpan.FromSeconds(1), now, context).ConfigureAwait(false);
                return;
            case { Status: TaskState.Running, HasAttemptsLeft: false }:
                // The last attempt's worker died (its lease ran out without an outcome): no attempt is left to take over.
                var lost = new LastResult(null, $"The worker of attempt {task.Attempts} was lost; no attempts left");
                await RecordAsync(task, new AttemptOutcome(TaskState.Failed, lost, null) { ErrorKind = AttemptErrors.Lost }, context).ConfigureAwait(false);
                return;
            case { } when task.RunAt - now > MaxInvocationWait:
                // Woken early (the long wait's schedule, or a queue delay capped at 15 minutes): arm the rest.
                await RearmAsync(task, task.RunAt, now, context).ConfigureAwait(false);
                return;
        }

        // Take the attempt first, then wait out the last stretch to run_at: at run_at only the call remains (no
        // claim between a due task and its call). From the claim on, the attempt is under way: a cancel in these last
        // seconds is too late (409), as it is once the call has started.
        var callAt = task.RunAt > now ? task.RunAt : now;
        var claim = await store.ClaimAsync(taskId, now + MaxInvocationWait, callAt + TimeSpan.FromSeconds(task.TimeoutSeconds) + LeaseMargin, context.CancellationToken).ConfigureAwait(false);
        if (!claim.Moved)
        {
            LogNothingToDo(logger, taskId, claim.Task?.Status);
            return;
        }

        // The call is built and signed during the wait too, so that at run_at it only has to be sent.
        var claimed = claim.Task!;
        CallResult call;
        DateTimeOffset sentAt;
        using (var prepared = await target.PrepareAsync(claimed, callAt, context.CancellationToken).ConfigureAwait(false))
        {
            await WaitUntilAsync(claimed.RunAt, context.CancellationToken).ConfigureAwait(false);
            sentAt = time.GetUtcNow();
            call = await target.SendAsync(prepared, AttemptTimeout(claimed, context), context.CancellationToken).ConfigureAwait(false);
        }

        var outcome = Outcome(claimed, call) with
        {
            Lateness = sentAt - claimed.RunAt,
            Duration = call.Duration,
            SentAt = sentAt,
            ErrorKind = call.ErrorKind,
            Response = call.Response,
        };
        await RecordAsync(claimed, outcome, context).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="at"/> on the service's clock, never returning before it (a timer may fire up to a millisecond early).</summary>
    private async Task WaitUntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        for (var left = at - time.GetUtcNow(); left > TimeSpan.Zero; left = at - time.GetUtcNow())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The task's own timeout, shortened when the invocation has less left (keeping time to record the outcome).</summary>
    private TimeSpan AttemptTimeout(TaskRecord task, InvocationContext context)
    {
        var timeout = TimeSpan.FromSeconds(task.TimeoutSeconds);
        var budget = context.RemainingTime(time) - RecordingReserve;
        return budget >= timeout ? timeout : budget > TimeSpan.FromSeconds(1) ? budget : TimeSpan.FromSeconds(1);
    }

    /// <summary>What the attempt leads to: success, a retry after the backoff while attempts are left, or failure.</summary>
    private AttemptOutcome Outcome(TaskRecord task, CallResult call)
    {
        var result = new LastResult(call.StatusCode, call.Error);
        switch (call.Outcome)
        {
            case CallOutcome.Succeeded:
                return new AttemptOutcome(TaskState.Succeeded, result, null);
            case CallOutcome.Retryable when task.HasAttemptsLeft:
                var delay = backoff.Next(task.BudgetUsed, call.RetryAfter, Random.Shared.NextDouble());
                return new AttemptOutcome(TaskState.Retrying, result, time.GetUtcNow() + delay);
            case CallOutcome.Retryable:
                return new AttemptOutcome(TaskState.Failed, result with { Error = $"{call.Error}; gave up after {task.BudgetUsed} attempts" }, null);
            default:
                return new AttemptOutcome(TaskState.Failed, result, null);
        }
    }

    private async Task RearmAsync(TaskRecord task, DateTimeOffset wakeAt, DateTimeOffset now, InvocationContext context)
    {
        var name = WakeUpNames.Rearm(task.TaskId, task.Attempts + 1, wakeAt);
        var armed = await wakeUps.ArmAsync(task.TaskId, wakeAt, name, now, context.CancellationToken).ConfigureAwait(false);
        var seconds = Math.Round((wakeAt - now).TotalSeconds, 1);
        LogRearmed(logger, task.TaskId, seconds, armed.Queued ? "queue" : "schedule");
    }

    /// <summary>
    /// Owner of running -> succeeded | retrying | failed, conditional on this worker's attempt. A retry's wake-up is
    /// armed after the move: if arming fails the invocation fails, and its redelivery finds the task retrying and
    /// not due, and arms it then.
    /// </summary>
    private async Task RecordAsync(TaskRecord task, AttemptOutcome outcome, InvocationContext context)
    {
        var retryName = WakeUpNames.Retry(task.TaskId, task.Attempts + 1);
        var changes = new TaskChanges
        {
            Result = outcome.Result,
            AttemptLog = AttemptLog.Append(task.AttemptLog, outcome.Entry(task, time.GetUtcNow())),
            RunAt = outcome.RetryAt,
            // The retry's schedule name is known now, so cancel can delete it even before its ARN is recorded.
            ScheduleName = outcome.Next == TaskState.Retrying ? retryName : null,
            ExpectedAttempts = task.Attempts,
        };
        var moved = await store.MoveAsync(task.TaskId, outcome.Next, changes, CancellationToken.None).ConfigureAwait(false);
        if (!moved.Moved)
        {
            LogLostLease(logger, task.TaskId, task.Attempts);
            return;
        }

        metrics.Attempted(task.TaskId, outcome.Next switch
        {
            TaskState.Succeeded => AttemptEnd.Succeeded,
            TaskState.Retrying => AttemptEnd.Retried,
            _ => AttemptEnd.Failed,
        }, outcome.Lateness, outcome.Duration);
        switch (outcome.Next)
        {
            case TaskState.Retrying:
                var retryAt = outcome.RetryAt!.Value;
                var armed = await wakeUps.ArmAsync(task.TaskId, retryAt, retryName, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                if (armed.ScheduleArn is not null)
                {
                    await store.RecordRetryScheduleAsync(task.TaskId, task.Attempts, retryName, armed.ScheduleArn, CancellationToken.None).ConfigureAwait(false);
                }

                var retryText = Timestamps.Format(retryAt);
                LogRetrying(logger, task.TaskId, task.Attempts, retryText);
                break;
            case TaskState.Failed:
                LogFailed(logger, task.TaskId, task.Attempts, outcome.Result.StatusCode, outcome.Result.Error);
                await deadLetters.ParkAsync(moved.Task!, outcome.Result, context.CancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The keys every line about this wake-up carries: the task, and Scheduler's attempt, execution and scheduled time when it came by schedule.</summary>
    private static List<KeyValuePair<string, object?>> LogKeys(WakeUpMessage wakeUp)
    {
        var keys = new List<KeyValuePair<string, object?>>();
        if (wakeUp.TaskId is { } taskId)
        {
            keys.Add(new(TaskLog.TaskIdKey, taskId));
        }

        if (wakeUp.ScheduleId is { } scheduleId)
        {
            keys.Add(new("schedule_id", scheduleId));
            keys.Add(new("occurrence", wakeUp.Occurrence));
        }

        if (wakeUp.SchedulerAttempt is { } attempt)
        {
            keys.Add(new("scheduler_attempt", attempt));
        }

        if (wakeUp.ExecutionId is { } execution)
        {
            keys.Add(new("scheduler_execution_id", execution));
        }

        if (wakeUp.ScheduledTime is { } scheduledTime)
        {
            keys.Add(new("scheduler_scheduled_time", scheduledTime));
        }

        return keys;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Woken for unknown task {TaskId}; nothing to do")]
    private static partial void LogUnknown(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Woken for task {TaskId}, which is {Status}; nothing to do")]
    private static partial void LogNothingToDo(ILogger logger, string taskId, TaskState? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} is due in {UntilDueSeconds} s; wake-up re-armed on the {Timer}")]
    private static partial void LogRearmed(ILogger logger, string taskId, double untilDueSeconds, string timer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} will be retried at {RetryAt}")]
    private static partial void LogRetrying(ILogger logger, string taskId, int attempt, string retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} failed after attempt {Attempt}: {StatusCode} {Error}")]
    private static partial void LogFailed(ILogger logger, string taskId, int attempt, int? statusCode, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} was taken over (lease ran out); outcome not recorded")]
    private static partial void LogLostLease(ILogger logger, string taskId, int attempt);
}
