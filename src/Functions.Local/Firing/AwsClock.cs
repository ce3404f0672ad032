using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.Local.Embedded;
using Functions.Scheduler;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.Local.Firing;

/// <summary>
/// The firing that LocalStack and moto lack, for --aws-endpoint: polls the schedule group (ListSchedules, then
/// GetSchedule once per new name), invokes the forwarder when a schedule's at() time comes and deletes it per
/// ActionAfterCompletion; and long-polls the delivery queue, handing batches to the forwarder and deleting
/// the messages it did not report as failed.
/// </summary>
public sealed partial class AwsClock(
    ISchedulerClient scheduler,
    IAmazonSQS sqs,
    string groupName,
    string queueUrl,
    ForwarderInvoker forwarder,
    TimeProvider time,
    ILogger<AwsClock> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset FireAt, GetScheduleResponse Schedule)> _known = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PollSchedulesAsync(stoppingToken), Enumerable.Range(0, 4).Select(_ => PollQueueAsync(stoppingToken)).Aggregate(Task.CompletedTask, (a, b) => Task.WhenAll(a, b)));

    private async Task PollSchedulesAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                string? next = null;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                do
                {
                    var page = await scheduler.ListSchedulesAsync(groupName, null, next, stoppingToken).ConfigureAwait(false);
                    foreach (var summary in page.Schedules ?? [])
                    {
                        if (summary.Name is not { } name)
                        {
                            continue;
                        }

                        seen.Add(name);
                        if (!_known.ContainsKey(name) && await scheduler.GetScheduleAsync(name, groupName, stoppingToken).ConfigureAwait(false) is { ScheduleExpression: { } expression } schedule
                            && expression.StartsWith("at(", StringComparison.Ordinal))
                        {
                            // One-time schedules only; anything else in the group is not ours to fire.
                            _known[name] = (LocalScheduler.FireAt(expression), schedule);
                        }
                    }

                    next = page.NextToken;
                }
                while (next is not null);

                foreach (var gone in _known.Keys.Where(k => !seen.Contains(k)).ToList())
                {
                    _known.TryRemove(gone, out _);
                }

                var now = time.GetUtcNow();
                await Task.WhenAll(_known.Where(k => k.Value.FireAt <= now).ToList().Select(k => FireAsync(k.Key, k.Value.Schedule, stoppingToken))).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever failed, the clock keeps going (a dead clock would stop every delivery).
                LogPollFailed(logger, ex, "schedules");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FireAsync(string name, GetScheduleResponse schedule, CancellationToken stoppingToken)
    {
        try
        {
            // Not cut short by Ctrl+C: a delivery in progress finishes, as in embedded mode.
            await forwarder.InvokeScheduleAsync(schedule.Target?.Input ?? "{}", schedule.Arn ?? name, 1, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Left in place: fired again on the next poll, as Scheduler retries a failed invocation.
            LogFireFailed(logger, ex, name);
            return;
        }

        _known.TryRemove(name, out _);
        if (schedule.ActionAfterCompletion == "DELETE")
        {
            await scheduler.DeleteScheduleAsync(name, groupName, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>How long an empty poll of the delivery queue waits before the next.</summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(100);

    private async Task PollQueueAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Short polls, not long ones: moto's long poll wakes only for a message sent during it, not for a delayed
                // one becoming visible, so a wake-up whose delay ended mid-wait came up to a second late (a schedule's
                // first run after a restart, 1.4 s late, twice in CI). SQS itself returns such a message at once.
                var received = await sqs.ReceiveMessageAsync(
                    new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 0, VisibilityTimeout = 120 },
                    stoppingToken).ConfigureAwait(false);
                var messages = received.Messages ?? [];
                if (messages.Count == 0)
                {
                    await Task.Delay(QueuePollInterval, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                var failed = await forwarder.InvokeBatchAsync([.. messages.Select(m => (m.MessageId, m.Body))], CancellationToken.None).ConfigureAwait(false);
                var done = messages.Where(m => !failed.Contains(m.MessageId)).ToList();
                if (done.Count > 0)
                {
                    await sqs.DeleteMessageBatchAsync(
                        new DeleteMessageBatchRequest { QueueUrl = queueUrl, Entries = [.. done.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle))] },
                        stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPollFailed(logger, ex, "delivery queue");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the {What} failed; trying again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firing schedule {Name} failed; it fires again on the next poll")]
    private static partial void LogFireFailed(ILogger logger, Exception exception, string name);
}
