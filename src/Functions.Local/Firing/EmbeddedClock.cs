using Functions.Local.Embedded;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.Local.Firing;

/// <summary>
/// Embedded mode's EventBridge Scheduler and SQS event source mapping: every few milliseconds it fires the
/// schedules that came due (ActionAfterCompletion DELETE honoured; a failed invocation retried with backoff
/// up to the schedule's RetryPolicy, then parked on the dead-letter queue) and hands visible delivery-queue
/// messages to the forwarder in batches of ten (failed ones come back after the visibility timeout; after
/// five receives they are redriven to the dead-letter queue). What came due while the runner was stopped
/// is fired at once on start.
/// </summary>
public sealed partial class EmbeddedClock(LocalScheduler scheduler, LocalDeliveryQueues queues, ForwarderInvoker forwarder, TimeProvider time, ILogger<EmbeddedClock> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan Visibility = TimeSpan.FromSeconds(120);
    public const int MaxReceives = 5;

    /// <summary>The event source mapping's batch size for the delivery queue (ForwarderFunction's [SqsEvent]).</summary>
    public const int BatchSize = 10;

    /// <summary>
    /// Wake-ups in flight at once: as many as Lambda's default concurrency quota for an account in a Region (1,000
    /// invocations, https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html) holds in full batches.
    /// Most of them only wait out the last second before run_at (<c>ForwardingService.MaxInvocationWait</c>), so a
    /// burst due in the same second must be in hand before that second starts: with 64 invocations the rest were
    /// still on the queue at run_at and arrived seconds late. Counted in wake-ups, not invocations, because
    /// messages come due a few at a time and a batch of three would otherwise hold the place of ten. The work
    /// itself stays bounded by the thread pool (sized to the cores) and the one database writer.
    /// </summary>
    public const int MaxInFlight = 10_000;

    /// <summary>At most this many messages taken off the queue in one receive (one short transaction).</summary>
    private const int MaxPerReceive = 500;

    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly List<Task> _inFlight = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy |= await FireSchedulesAsync(stoppingToken).ConfigureAwait(false);
                busy |= await DeliverMessagesAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            if (!busy)
            {
                try
                {
                    await Task.Delay(Tick, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // Ctrl+C: let what is running finish; anything not finished comes back after its lease, not lost.
        Task[] running;
        lock (_inFlight)
        {
            running = [.. _inFlight];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task<bool> FireSchedulesAsync(CancellationToken stoppingToken)
    {
        var free = _slots.CurrentCount;
        if (free == 0)
        {
            return false;
        }

        var due = await scheduler.TakeDueAsync(time.GetUtcNow(), free, Visibility, stoppingToken).ConfigureAwait(false);
        foreach (var schedule in due)
        {
            await StartAsync(() => FireAsync(schedule), 1, stoppingToken).ConfigureAwait(false);
        }

        return due.Count > 0;
    }

    private async Task FireAsync(DueSchedule schedule)
    {
        var attempt = schedule.Failures + 1;
        try
        {
            await forwarder.InvokeScheduleAsync(schedule.Request.Target.Input ?? "{}", LocalScheduler.Arn(schedule.Group, schedule.Name), attempt, CancellationToken.None).ConfigureAwait(false);
            if (schedule.Request.ActionAfterCompletion == "DELETE")
            {
                await scheduler.DeleteScheduleAsync(schedule.Name, schedule.Group, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await scheduler.RetireAsync(schedule, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            var retries = schedule.Request.Target.RetryPolicy?.MaximumRetryAttempts ?? 185;
            if (attempt > retries)
            {
                LogScheduleGivenUp(logger, ex, schedule.Name, attempt);
                await queues.SendAsync(schedule.Request.Target.Input ?? "{}", CancellationToken.None).ConfigureAwait(false);
                await scheduler.DeleteScheduleAsync(schedule.Name, schedule.Group, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, schedule.Failures)));
            LogScheduleRetry(logger, ex, schedule.Name, attempt, delay);
            await scheduler.RetryAsync(schedule, time.GetUtcNow() + delay, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<bool> DeliverMessagesAsync(CancellationToken stoppingToken)
    {
        var free = _slots.CurrentCount;
        if (free == 0)
        {
            return false;
        }

        // One receive for many batches, split the way the event source mapping splits the queue into batches of ten.
        var messages = await queues.ReceiveAsync(Math.Min(free, MaxPerReceive), Visibility, stoppingToken).ConfigureAwait(false);
        foreach (var batch in messages.Chunk(BatchSize))
        {
            await StartAsync(() => DeliverBatchAsync(batch), batch.Length, stoppingToken).ConfigureAwait(false);
        }

        return messages.Count > 0;
    }

    private async Task DeliverBatchAsync(DueMessage[] messages)
    {
        HashSet<string> failed;
        try
        {
            failed = await forwarder.InvokeBatchAsync([.. messages.Select(m => (MessageId(m), m.Body))], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogBatchFailed(logger, ex, messages.Length);
            failed = [.. messages.Select(MessageId)];
        }

        var done = messages.Where(m => !failed.Contains(MessageId(m))).Select(m => m.Id).ToList();
        var givenUp = messages.Where(m => failed.Contains(MessageId(m)) && m.Receives >= MaxReceives).Select(m => m.Id).ToList();
        await queues.SettleAsync(done, givenUp, CancellationToken.None).ConfigureAwait(false);
    }

    private static string MessageId(DueMessage message) => message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Starts <paramref name="work"/> for <paramref name="wakeUps"/> wake-ups once that many places are free.</summary>
    private async Task StartAsync(Func<Task> work, int wakeUps, CancellationToken stoppingToken)
    {
        for (var taken = 0; taken < wakeUps; taken++)
        {
            await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        Task task = null!;
        task = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            finally
            {
                _slots.Release(wakeUps);
                lock (_inFlight)
                {
                    _inFlight.Remove(task);
                }
            }
        }, CancellationToken.None);
        lock (_inFlight)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            if (!task.IsCompleted)
            {
                _inFlight.Add(task);
            }
        }
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {Name}: invocation {Attempt} failed; retrying in {Delay}")]
    private static partial void LogScheduleRetry(ILogger logger, Exception exception, string name, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {Name}: gave up after {Attempt} invocations; parked on the dead-letter queue")]
    private static partial void LogScheduleGivenUp(ILogger logger, Exception exception, string name, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} queued wake-ups failed as a whole")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}
