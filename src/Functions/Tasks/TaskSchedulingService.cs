using System.Text.Encodings.Web;
using System.Text.Json;
using Amazon.Runtime;
using Functions.Forwarder;
using Functions.Scheduler;
using Functions.TaskStore;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks;

public abstract record ScheduleResult
{
    /// <summary>The task exists and will run (or ran); <see cref="Replayed"/> when an idempotency key found it.</summary>
    public sealed record Accepted(TaskRecord Task, bool Replayed) : ScheduleResult;

    /// <summary>The idempotency key names a task made from a different request.</summary>
    public sealed record KeyReused(string ExistingTaskId) : ScheduleResult;

    /// <summary>Arming the task's wake-up failed; the task ended failed. Busy (throttled): the caller may retry later.</summary>
    public sealed record TimerFailed(TaskRecord? Task, string ErrorType, bool Busy) : ScheduleResult;
}

public abstract record CancelResult
{
    public sealed record Cancelled(TaskRecord Task) : CancelResult;

    public sealed record NotFound : CancelResult;

    /// <summary>Running or finished: too late to cancel.</summary>
    public sealed record TooLate(TaskRecord Task) : CancelResult;
}

/// <summary>
/// Schedules and cancels tasks. Nothing accepted is lost and nothing dangles: the task is written first
/// (pending, with its schedule's name), then its wake-up is armed (a schedule whose ClientToken is its name,
/// so a retried create is the same create, or a delivery-queue message), then the ARN is recorded
/// (scheduled). If arming fails the task ends failed; if recording fails the wake-up still comes and the
/// forwarder claims the pending task.
/// </summary>
public sealed partial class TaskSchedulingService(
    ITaskStore store,
    ISchedulerClient scheduler,
    DeliveryTimer timer,
    SchedulerSettings schedulerSettings,
    TimeProvider time,
    ILogger<TaskSchedulingService> logger)
{
    private static readonly JsonWriterOptions InputWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Schedule names: <c>task-{id}</c> for the first delivery, <c>task-{id}-{attempt}</c> for a retry, and
    /// <c>task-{id}-{attempt}-w{unix seconds}</c> for a re-armed wake-up, so no two wake-ups share a name (a
    /// create that conflicts is taken for the same create). At most 5 + 32 + 3 + 12 characters of the 64 allowed.
    /// </summary>
    public static string ScheduleName(string taskId, int attempt = 1, DateTimeOffset? rearmedFor = null) =>
        rearmedFor is { } at ? $"task-{taskId}-{attempt}-w{at.ToUnixTimeSeconds()}" : attempt <= 1 ? $"task-{taskId}" : $"task-{taskId}-{attempt}";

    public static string NewTaskId() => Guid.CreateVersion7().ToString("N");

    public async Task<ScheduleResult> ScheduleAsync(ValidTaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var taskId = NewTaskId();
        var scheduleName = ScheduleName(taskId);
        var task = new TaskRecord
        {
            TaskId = taskId,
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
            ScheduleName = scheduleName,
            IdempotencyKey = request.IdempotencyKey,
        };

        var fingerprint = request.IdempotencyKey is null ? null : request.Fingerprint();
        var created = await store.CreateAsync(task, fingerprint, cancellationToken).ConfigureAwait(false);
        if (!created.Created)
        {
            if (created.ExistingFingerprint != fingerprint)
            {
                return new ScheduleResult.KeyReused(created.ExistingTaskId!);
            }

            var existing = await store.GetAsync(created.ExistingTaskId!, cancellationToken).ConfigureAwait(false);
            LogReplayed(logger, created.ExistingTaskId!);
            return existing is null ? new ScheduleResult.KeyReused(created.ExistingTaskId!) : new ScheduleResult.Accepted(existing, Replayed: true);
        }

        ArmedTimer armed;
        try
        {
            armed = await timer.ArmAsync(task, scheduleName, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Owner of pending -> failed. Whatever went wrong (an error answer, a timeout, the deadline), the
            // outcome may be unknown: delete the schedule by name, so that none is left (a queued wake-up, if one
            // was sent, finds the task failed and does nothing). Then free the idempotency key, so that the
            // caller's retry (503 asks for one) schedules anew instead of replaying a failure.
            var (errorType, busy) = ex switch
            {
                SchedulerException s => (s.ErrorType, s is SchedulerThrottlingException or SchedulerServiceQuotaExceededException),
                AmazonServiceException a => (a.ErrorCode ?? a.GetType().Name, a.StatusCode is System.Net.HttpStatusCode.TooManyRequests or System.Net.HttpStatusCode.ServiceUnavailable),
                OperationCanceledException => ("Timeout", true),
                _ => (ex.GetType().Name, false),
            };
            LogArmFailed(logger, ex, taskId, errorType);
            try
            {
                await scheduler.DeleteScheduleAsync(scheduleName, schedulerSettings.GroupName, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception cleanup) when (cleanup is SchedulerException or HttpRequestException or OperationCanceledException)
            {
                LogDeleteFailed(logger, cleanup, taskId);
            }

            var failed = await store.MoveAsync(taskId, TaskState.Failed, new TaskChanges { LastError = $"Scheduling failed: {errorType}" }, CancellationToken.None).ConfigureAwait(false);
            if (request.IdempotencyKey is { } key)
            {
                await store.ReleaseIdempotencyKeyAsync(key, taskId, CancellationToken.None).ConfigureAwait(false);
            }

            return new ScheduleResult.TimerFailed(failed.Task, errorType, busy);
        }

        var arn = armed.ScheduleArn;

        // Owner of pending -> scheduled. Refused when CancelTaskFunction or the forwarder got there first.
        MoveOutcome recorded;
        try
        {
            recorded = await store.MoveAsync(taskId, TaskState.Scheduled, new TaskChanges { ScheduleArn = arn }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The schedule exists and will fire; the forwarder claims a pending task. The caller's task is safe.
            LogRecordFailed(logger, ex, taskId);
            return new ScheduleResult.Accepted(task with { ScheduleArn = arn }, Replayed: false);
        }

        if (!recorded.Moved && recorded.Task is { Status: TaskState.Cancelled } && !armed.Queued)
        {
            // Cancelled while the schedule was being created: its schedule must not be left behind.
            await scheduler.DeleteScheduleAsync(scheduleName, schedulerSettings.GroupName, null, CancellationToken.None).ConfigureAwait(false);
        }

        var runAtText = DynamoTaskStore.Timestamp(task.RunAt);
        LogScheduled(logger, taskId, runAtText, arn ?? "the delivery queue");
        return new ScheduleResult.Accepted(recorded.Task ?? task with { ScheduleArn = arn }, Replayed: false);
    }

    public async Task<CancelResult> CancelAsync(string taskId, CancellationToken cancellationToken)
    {
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
            await scheduler.DeleteScheduleAsync(cancelled.ScheduleName ?? ScheduleName(taskId), schedulerSettings.GroupName, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SchedulerException or HttpRequestException)
        {
            // Harmless if it stays: when it fires, the forwarder finds the task cancelled and does nothing.
            LogDeleteFailed(logger, ex, taskId);
        }

        LogCancelled(logger, taskId);
        return new CancelResult.Cancelled(cancelled);
    }

    /// <summary>The forwarder's event: the task id and Scheduler's context attributes, substituted when it fires.</summary>
    public static string ForwarderInput(string taskId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, InputWriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("task_id", taskId);
            json.WriteString("scheduler_attempt", "<aws.scheduler.attempt-number>");
            json.WriteString("execution_id", "<aws.scheduler.execution-id>");
            json.WriteString("scheduled_time", "<aws.scheduler.scheduled-time>");
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled task {TaskId} for {RunAt} as {ScheduleArn}")]
    private static partial void LogScheduled(ILogger logger, string taskId, string runAt, string scheduleArn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotency key matched task {TaskId}; no new schedule")]
    private static partial void LogReplayed(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Arming the wake-up of task {TaskId} failed: {ErrorType}")]
    private static partial void LogArmFailed(ILogger logger, Exception exception, string taskId, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule of task {TaskId} exists but recording it failed; the forwarder will claim the pending task")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled task {TaskId}")]
    private static partial void LogCancelled(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancelled task {TaskId} but could not delete its schedule; it will fire and be ignored")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string taskId);
}
