using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Functions.Hosting;
using Functions.Tasks;
using Functions.TaskStore;
using Functions.Webhooks;
using Microsoft.Extensions.Logging;

namespace Functions.Forwarder;

/// <summary>How one attempt ended, as the forwarder records it.</summary>
public sealed record AttemptOutcome(TaskState Next, int? StatusCode, string? Error, TimeSpan Duration, DateTimeOffset? RetryAt);

public static class ForwarderSettings
{
    public const string DeadLetterQueueUrlSetting = "DEAD_LETTER_QUEUE_URL";
}

/// <summary>
/// Delivers one task when its wake-up comes. Scheduler and SQS deliver at least once, so every step is safe
/// to repeat: a task that is not due has its wake-up re-armed; a due task is claimed with one conditional
/// update (its attempt counted, a lease taken); only the claimant calls the target, and records the outcome
/// conditionally on still holding that attempt.
/// </summary>
public sealed partial class ForwardingService(
    ITaskStore store,
    DeliveryTimer timer,
    RetryBackoff backoff,
    WebhookSigner signer,
    HttpClient targets,
    TimeProvider time,
    ILogger<ForwardingService> logger)
{
    /// <summary>A wake-up this close to run_at waits out the rest in the function instead of re-arming.</summary>
    public static readonly TimeSpan MaxInvocationWait = TimeSpan.FromSeconds(2);

    /// <summary>Time kept after the target's call to record the outcome before the invocation's deadline.</summary>
    public static readonly TimeSpan RecordingReserve = TimeSpan.FromSeconds(3);

    public async Task ProcessAsync(string taskId, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var task = await store.GetAsync(taskId, context.CancellationToken).ConfigureAwait(false);
        if (task is null)
        {
            LogUnknown(logger, taskId);
            return;
        }

        var now = time.GetUtcNow();
        if (TaskStateMachine.IsFinal(task.Status))
        {
            LogNothingToDo(logger, taskId, task.Status);
            return;
        }

        if (task.Status == TaskState.Running && task.LeaseUntil > now)
        {
            // Another worker holds the attempt. Come back when its lease ends: if it finished, there is nothing
            // to do then; if it died, that wake-up takes the attempt over. Never just drop the wake-up.
            await RearmAsync(task with { RunAt = task.LeaseUntil.Value + TimeSpan.FromSeconds(1) }, now, context).ConfigureAwait(false);
            return;
        }

        if (task.Status == TaskState.Running && task.Attempts >= task.MaxAttempts)
        {
            // The last attempt's worker died (its lease ran out without an outcome): no attempt is left to take over.
            await RecordAsync(task, new AttemptOutcome(TaskState.Failed, null, $"The worker of attempt {task.Attempts} was lost; no attempts left", TimeSpan.Zero, null), context).ConfigureAwait(false);
            return;
        }

        var untilDue = task.RunAt - now;
        if (untilDue > MaxInvocationWait)
        {
            // Woken early (the long wait's schedule, or a queue delay capped at 15 minutes): arm the rest.
            await RearmAsync(task, now, context).ConfigureAwait(false);
            return;
        }

        if (untilDue > TimeSpan.Zero)
        {
            await Task.Delay(untilDue, time, context.CancellationToken).ConfigureAwait(false);
        }

        var lease = time.GetUtcNow() + TimeSpan.FromSeconds(task.TimeoutSeconds) + TimeSpan.FromSeconds(60);
        var claim = await store.ClaimAsync(taskId, lease, context.CancellationToken).ConfigureAwait(false);
        if (!claim.Moved)
        {
            LogNothingToDo(logger, taskId, claim.Task?.Status);
            return;
        }

        var claimed = claim.Task!;
        var outcome = await DeliverAsync(claimed, context).ConfigureAwait(false);
        await RecordAsync(claimed, outcome, context).ConfigureAwait(false);
    }

    private async Task RearmAsync(TaskRecord wakeAt, DateTimeOffset now, InvocationContext context)
    {
        var name = TaskSchedulingService.ScheduleName(wakeAt.TaskId, wakeAt.Attempts + 1, rearmedFor: wakeAt.RunAt);
        var armed = await timer.ArmAsync(wakeAt, name, now, context.CancellationToken).ConfigureAwait(false);
        var seconds = Math.Round((wakeAt.RunAt - now).TotalSeconds, 1);
        LogRearmed(logger, wakeAt.TaskId, seconds, armed.Queued ? "queue" : "schedule");
    }

    /// <summary>One signed HTTP call to the task's target, with its own timeout inside the invocation's deadline.</summary>
    public async Task<AttemptOutcome> DeliverAsync(TaskRecord task, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        var budget = context.RemainingTime(time) - RecordingReserve;
        var timeout = TimeSpan.FromSeconds(task.TimeoutSeconds);
        if (budget < timeout)
        {
            timeout = budget > TimeSpan.FromSeconds(1) ? budget : TimeSpan.FromSeconds(1);
        }

        var body = task.Method == "GET" ? [] : Encoding.UTF8.GetBytes(task.Data);
        using var request = new HttpRequestMessage(new HttpMethod(task.Method), task.Url);
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in task.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var signature = signer.Sign(task.TaskId, time.GetUtcNow(), body);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", task.TaskId);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.IdHeader, signature.Id);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.TimestampHeader, signature.Timestamp);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.SignatureHeader, signature.Signature);
        request.Headers.UserAgent.ParseAdd("delayed-http-tasks/" + ServiceInfo.AssemblyVersion.Split('+')[0]);

        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await targets.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var code = (int)response.StatusCode;
            LogDelivered(logger, task.TaskId, task.Attempts, code, elapsed.TotalMilliseconds);
            return code switch
            {
                >= 200 and < 300 => new AttemptOutcome(TaskState.Succeeded, code, null, elapsed, null),
                408 or 429 or >= 500 => Retry(task, code, $"HTTP {code}", elapsed, RetryAfter(response)),
                _ => new AttemptOutcome(TaskState.Failed, code, $"HTTP {code} (not retried)", elapsed, null),
            };
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested || deadline.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogAttemptError(logger, task.TaskId, task.Attempts, "timeout", elapsed.TotalMilliseconds);
            return Retry(task, null, $"Timed out after {timeout.TotalSeconds:0.#} s", elapsed, null);
        }
        catch (HttpRequestException ex) when (FindBlocked(ex) is { } blocked)
        {
            LogAttemptError(logger, task.TaskId, task.Attempts, "blocked target", 0);
            return new AttemptOutcome(TaskState.Failed, null, blocked.Message, Stopwatch.GetElapsedTime(started), null);
        }
        catch (HttpRequestException ex)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogAttemptError(logger, task.TaskId, task.Attempts, ex.HttpRequestError.ToString(), elapsed.TotalMilliseconds);
            return Retry(task, null, $"Connection failed: {ex.HttpRequestError}", elapsed, null);
        }
    }

    private AttemptOutcome Retry(TaskRecord task, int? code, string error, TimeSpan elapsed, TimeSpan? retryAfter)
    {
        if (task.Attempts >= task.MaxAttempts)
        {
            return new AttemptOutcome(TaskState.Failed, code, $"{error}; gave up after {task.Attempts} attempts", elapsed, null);
        }

        var delay = backoff.Next(task.Attempts, retryAfter, Random.Shared.NextDouble());
        return new AttemptOutcome(TaskState.Retrying, code, error, elapsed, time.GetUtcNow() + delay);
    }

    /// <summary>
    /// Owner of running -> succeeded | retrying | failed, conditional on this worker's attempt. A retry's
    /// wake-up is armed after the move: if arming fails the invocation fails, and its redelivery finds the
    /// task retrying and not due, and arms it then.
    /// </summary>
    private async Task RecordAsync(TaskRecord task, AttemptOutcome outcome, InvocationContext context)
    {
        var retryName = TaskSchedulingService.ScheduleName(task.TaskId, task.Attempts + 1);
        var changes = new TaskChanges
        {
            LastStatusCode = outcome.StatusCode,
            // Empty, not absent: a success clears the error of an earlier attempt.
            LastError = outcome.Error ?? string.Empty,
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

        switch (outcome.Next)
        {
            case TaskState.Retrying:
                var armed = await timer.ArmAsync(moved.Task!, retryName, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                if (armed.ScheduleArn is not null)
                {
                    await store.RecordRetryScheduleAsync(task.TaskId, task.Attempts, retryName, armed.ScheduleArn, CancellationToken.None).ConfigureAwait(false);
                }

                var retryAt = DynamoTaskStore.Timestamp(outcome.RetryAt!.Value);
                LogRetrying(logger, task.TaskId, task.Attempts, retryAt);
                break;
            case TaskState.Failed:
                LogFailed(logger, task.TaskId, task.Attempts, outcome.StatusCode, outcome.Error);
                try
                {
                    await timer.SendToDeadLetterQueueAsync(
                        new DeadLetterRecord
                        {
                            TaskId = task.TaskId,
                            Attempts = task.Attempts,
                            LastStatusCode = outcome.StatusCode,
                            LastError = outcome.Error,
                            // Without the query: it may carry a credential, and operators need only where it went.
                            Url = new Uri(task.Url).GetLeftPart(UriPartial.Path),
                            FailedAt = DynamoTaskStore.Timestamp(time.GetUtcNow()),
                        },
                        context.CancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or OperationCanceledException)
                {
                    // The task is recorded failed either way; the queue record is for operators.
                    LogDeadLetterFailed(logger, ex, task.TaskId);
                }

                break;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static BlockedTargetException? FindBlocked(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is BlockedTargetException blocked)
            {
                return blocked;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Woken for unknown task {TaskId}; nothing to do")]
    private static partial void LogUnknown(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Woken for task {TaskId}, which is {Status}; nothing to do")]
    private static partial void LogNothingToDo(ILogger logger, string taskId, TaskState? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} is due in {UntilDueSeconds} s; wake-up re-armed on the {Timer}")]
    private static partial void LogRearmed(ILogger logger, string taskId, double untilDueSeconds, string timer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered task {TaskId} attempt {Attempt}: {StatusCode} in {DurationMs} ms")]
    private static partial void LogDelivered(ILogger logger, string taskId, int attempt, int statusCode, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} failed: {Reason} after {DurationMs} ms")]
    private static partial void LogAttemptError(ILogger logger, string taskId, int attempt, string reason, double durationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} will be retried at {RetryAt}")]
    private static partial void LogRetrying(ILogger logger, string taskId, int attempt, string retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} failed after attempt {Attempt}: {StatusCode} {Error}")]
    private static partial void LogFailed(ILogger logger, string taskId, int attempt, int? statusCode, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} was taken over (lease ran out); outcome not recorded")]
    private static partial void LogLostLease(ILogger logger, string taskId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not park failed task {TaskId} on the dead-letter queue")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string taskId);
}
