using Functions.Tasks.Callers;
using Functions.Tasks.Requests;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks.Scheduling;

/// <summary>
/// Accepts tasks. Nothing accepted is lost and nothing dangles: the request is validated (nothing is written when
/// it is refused), the task is written first (pending, with its wake-up's name), then its wake-up is armed (a
/// schedule whose ClientToken is its name, so a retried create is the same create, or a delivery-queue message),
/// then the ARN is recorded (scheduled). If arming fails the task ends failed; if recording fails the wake-up
/// still comes and the forwarder claims the pending task.
/// </summary>
public sealed partial class TaskSchedulingService(
    ScheduleRequestValidator validator,
    ITaskStore store,
    WakeUpTimer wakeUps,
    ITaskMetrics metrics,
    TimeProvider time,
    ILogger<TaskSchedulingService> logger)
{
    /// <param name="request">The request as the caller sent it.</param>
    /// <param name="caller">Who sent it: the task is theirs, and so is its idempotency key.</param>
    /// <param name="defaultUrl">The target when the request names none: the project's own callback route.</param>
    /// <param name="cancellationToken">The invocation's deadline.</param>
    public async Task<ScheduleResult> ScheduleAsync(ScheduleTaskRequest request, Caller caller, string defaultUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = time.GetUtcNow();
        var (valid, errors) = validator.Validate(request, now, defaultUrl);
        if (valid is null)
        {
            return new ScheduleResult.Invalid(errors);
        }

        var task = NewTask(valid, caller.Name, now);
        using var scope = logger.BeginTaskScope(task.TaskId);
        var fingerprint = valid.IdempotencyKey is null ? null : valid.Fingerprint();
        var created = await store.CreateAsync(task, fingerprint, cancellationToken).ConfigureAwait(false);
        if (!created.Created)
        {
            return await ReplayAsync(created, fingerprint, valid.Timing, now, cancellationToken).ConfigureAwait(false);
        }

        ArmedWakeUp armed;
        try
        {
            armed = await wakeUps.ArmAsync(task.TaskId, task.RunAt, task.ScheduleName!, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return await FailAsync(task, ex).ConfigureAwait(false);
        }

        metrics.Scheduled(task.TaskId);

        // Owner of pending -> scheduled. Refused when CancelTaskFunction or the forwarder got there first.
        MoveOutcome recorded;
        try
        {
            recorded = await store.MoveAsync(task.TaskId, TaskState.Scheduled, new TaskChanges { ScheduleArn = armed.ScheduleArn }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The wake-up exists and will fire; the forwarder claims a pending task. The caller's task is safe.
            LogRecordFailed(logger, ex, task.TaskId);
            return Accepted(task with { ScheduleArn = armed.ScheduleArn }, replayed: false, valid.Timing, now);
        }

        if (!recorded.Moved && recorded.Task is { Status: TaskState.Cancelled } && !armed.Queued)
        {
            // Cancelled while the schedule was being created: its schedule should not be left behind.
            await DisarmLeftoverAsync(task).ConfigureAwait(false);
        }

        var runAt = Timestamps.Format(task.RunAt);
        LogScheduled(logger, task.TaskId, runAt, armed.Queued ? "queue" : "schedule");
        return Accepted(recorded.Task ?? task with { ScheduleArn = armed.ScheduleArn }, replayed: false, valid.Timing, now);
    }

    private static TaskRecord NewTask(ValidTaskRequest request, string caller, DateTimeOffset now)
    {
        var taskId = TaskIds.New();
        return new TaskRecord
        {
            TaskId = taskId,
            Caller = caller,
            Status = TaskState.Pending,
            RunAt = request.Timing.RunAt(now),
            Url = request.Url,
            Method = request.Method,
            Headers = request.Headers,
            Data = request.Data,
            MaxAttempts = request.MaxAttempts,
            TimeoutSeconds = request.TimeoutSeconds,
            CreatedAt = now,
            UpdatedAt = now,
            ScheduleName = WakeUpNames.First(taskId),
            IdempotencyKey = request.IdempotencyKey,
        };
    }

    private static ScheduleResult.Accepted Accepted(TaskRecord task, bool replayed, TaskTiming timing, DateTimeOffset now) =>
        new(task, replayed, timing.ScheduledInMinutes(task.RunAt, now));

    /// <summary>The idempotency key names a task already: the same request gets that task back, another a conflict.</summary>
    private async Task<ScheduleResult> ReplayAsync(CreateOutcome created, string? fingerprint, TaskTiming timing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (created.ExistingFingerprint != fingerprint)
        {
            return new ScheduleResult.KeyReused(created.ExistingId!);
        }

        // The key and its task are written in one transaction; a store that shows the key a moment before its task
        // (an emulator under load does) gets a short wait, then "in flight" (409) rather than a wrong answer.
        var existing = await store.GetAsync(created.ExistingId!, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; existing is null && attempt < 3; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25 << attempt), time, cancellationToken).ConfigureAwait(false);
            existing = await store.GetAsync(created.ExistingId!, cancellationToken).ConfigureAwait(false);
        }

        LogReplayed(logger, created.ExistingId!);
        // As first answered: minutes counted from when the task was accepted, not from this replay.
        return existing is null ? new ScheduleResult.KeyInFlight(created.ExistingId!) : Accepted(existing, replayed: true, timing, existing.CreatedAt);
    }

    /// <summary>
    /// Owner of pending -> failed. Whatever went wrong (an error answer, a timeout, the deadline), the outcome may be
    /// unknown: delete the schedule by name, so that none is left (a queued wake-up, if one was sent, finds the task
    /// failed and does nothing). Then free the idempotency key, so that the caller's retry (503 asks for one)
    /// schedules anew instead of replaying a failure.
    /// </summary>
    private async Task<ScheduleResult> FailAsync(TaskRecord task, Exception ex)
    {
        var (errorType, busy) = ex switch
        {
            WakeUpException wakeUp => (wakeUp.ErrorType, wakeUp.Busy),
            OperationCanceledException => ("Timeout", true),
            _ => (ex.GetType().Name, false),
        };
        LogArmFailed(logger, ex, task.TaskId, errorType);
        await DisarmLeftoverAsync(task).ConfigureAwait(false);

        var changes = new TaskChanges { Result = new LastResult(null, $"Scheduling failed: {errorType}") };
        var failed = await store.MoveAsync(task.TaskId, TaskState.Failed, changes, CancellationToken.None).ConfigureAwait(false);
        if (task.IdempotencyKey is { } key)
        {
            await store.ReleaseIdempotencyKeyAsync(task.Caller, key, task.TaskId, CancellationToken.None).ConfigureAwait(false);
        }

        return new ScheduleResult.WakeUpFailed(failed.Task, errorType, busy);
    }

    /// <summary>
    /// Deletes a schedule the task no longer needs. Best effort: if it stays, it fires and the forwarder finds the
    /// task finished (failed or cancelled) and does nothing.
    /// </summary>
    private async Task DisarmLeftoverAsync(TaskRecord task)
    {
        try
        {
            await wakeUps.DisarmAsync(task.ScheduleName!, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception cleanup) when (cleanup is WakeUpException or HttpRequestException or OperationCanceledException)
        {
            LogCleanupFailed(logger, cleanup, task.TaskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled task {TaskId} for {RunAt} by {WakeUp}")]
    private static partial void LogScheduled(ILogger logger, string taskId, string runAt, string wakeUp);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotency key matched task {TaskId}; no new schedule")]
    private static partial void LogReplayed(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Arming the wake-up of task {TaskId} failed: {ErrorType}")]
    private static partial void LogArmFailed(ILogger logger, Exception exception, string taskId, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule of task {TaskId} exists but recording it failed; the forwarder will claim the pending task")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the schedule of task {TaskId}; if it fires, the forwarder finds the task finished and does nothing")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string taskId);
}
