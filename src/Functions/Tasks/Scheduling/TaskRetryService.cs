using Functions.Tasks.Callers;
using Functions.Tasks.Requests;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks.Scheduling;

/// <summary>
/// Retries a finished task by hand: a failed one (or, forced, one that succeeded) is delivered again now or at a
/// given time, with a fresh budget of its max_attempts. The task moves back to pending first (one conditional write,
/// which counts the retry and keeps the attempts made so far), then its wake-up is armed, then its ARN recorded
/// (scheduled), as a new task's is. Its webhook-id stays the task id: a receiver that already processed it can tell.
/// </summary>
public sealed partial class TaskRetryService(ITaskStore store, WakeUpTimer wakeUps, TimeProvider time, ILogger<TaskRetryService> logger)
{
    /// <summary>Retries <paramref name="caller"/>'s task (an admin's may be any caller's); another caller's is not found.</summary>
    public async Task<RetryResult> RetryAsync(Caller caller, string taskId, RetryTaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var runAt = request.RunAt is { } text ? ScheduleRequestValidator.ValidateRunAt(text, now, (field, message) => errors[field] = [message]) : now;
        if (runAt is null)
        {
            return new RetryResult.Invalid(errors);
        }

        using var scope = logger.BeginTaskScope(taskId);
        var task = await store.GetAsync(taskId, cancellationToken).ConfigureAwait(false);
        if (task is null || !caller.CanSee(task.Caller))
        {
            return new RetryResult.NotFound();
        }

        return await RetryAsync(task, request.Force == true, runAt.Value, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Retries a task already read (and shown to be the caller's): the dead-letter redrive calls this for each.</summary>
    public async Task<RetryResult> RetryAsync(TaskRecord task, bool force, DateTimeOffset runAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Status is not (TaskState.Failed or TaskState.Succeeded) || (task.Status == TaskState.Succeeded && !force))
        {
            return new RetryResult.WrongState(task, task.Status == TaskState.Succeeded);
        }

        // Owner of failed | succeeded -> pending. Conditional on the attempts read: a task that changed meanwhile
        // (another retry, and its attempt) is not retried twice.
        var name = WakeUpNames.Retry(task.TaskId, task.Attempts + 1);
        var changes = new TaskChanges { RunAt = runAt, ScheduleName = name, StartsRetry = true, ExpectedAttempts = task.Attempts };
        var moved = await store.MoveAsync(task.TaskId, TaskState.Pending, changes, cancellationToken).ConfigureAwait(false);
        if (!moved.Moved)
        {
            return moved.Task is { } current ? new RetryResult.WrongState(current, current.Status == TaskState.Succeeded) : new RetryResult.NotFound();
        }

        var pending = moved.Task!;
        ArmedWakeUp armed;
        try
        {
            armed = await wakeUps.ArmAsync(task.TaskId, runAt, name, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WakeUpException or HttpRequestException or OperationCanceledException)
        {
            // The retry stands (pending, with its run_at): the sweeper arms a pending task it finds past run_at.
            var errorType = ex is WakeUpException wakeUp ? wakeUp.ErrorType : ex.GetType().Name;
            LogArmFailed(logger, ex, task.TaskId, errorType);
            return new RetryResult.WakeUpFailed(pending, errorType);
        }

        // Owner of pending -> scheduled, as for a new task; refused when the forwarder or a cancel got there first.
        var runAtText = Timestamps.Format(runAt);
        LogRetried(logger, task.TaskId, pending.Retries, runAtText);
        try
        {
            var recorded = await store.MoveAsync(task.TaskId, TaskState.Scheduled, new TaskChanges { ScheduleArn = armed.ScheduleArn }, CancellationToken.None).ConfigureAwait(false);
            return new RetryResult.Retried(recorded.Task ?? pending);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The wake-up is armed and the forwarder claims a pending task: the retry is safe as it stands.
            LogRecordFailed(logger, ex, task.TaskId);
            return new RetryResult.Retried(pending);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} was retried and its wake-up armed, but recording it failed; the forwarder claims it pending")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} retried by hand (retry {Retry}) for {RunAt}")]
    private static partial void LogRetried(ILogger logger, string taskId, int retry, string runAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} was retried but its wake-up could not be armed ({ErrorType}); the sweeper will arm it")]
    private static partial void LogArmFailed(ILogger logger, Exception exception, string taskId, string errorType);
}
