using System.Globalization;
using System.Text.Json;
using Functions.Hosting;
using Functions.Scheduler;
using Functions.Serialization;
using Functions.Tasks;
using Microsoft.Extensions.Configuration;

namespace Functions.Forwarder;

/// <summary>How precisely deliveries land on their run_at.</summary>
public enum DeliveryPrecision
{
    /// <summary>Within about a second: the last stretch of every wait rides an SQS delay (default).</summary>
    Second,

    /// <summary>EventBridge Scheduler alone: anywhere inside the minute after run_at, one invocation per delivery.</summary>
    Minute,
}

public sealed record DeliveryTimerSettings(DeliveryPrecision Precision, string? QueueUrl)
{
    public const string PrecisionSetting = "DELIVERY_PRECISION";
    public const string QueueUrlSetting = "DELIVERY_QUEUE_URL";

    public static DeliveryTimerSettings From(IConfiguration configuration)
    {
        var precision = configuration[PrecisionSetting]?.ToUpperInvariant() switch
        {
            null or "" or "SECOND" => DeliveryPrecision.Second,
            "MINUTE" => DeliveryPrecision.Minute,
            var other => throw new SettingsException(PrecisionSetting, $"{PrecisionSetting} is 'second' or 'minute', not '{other}'."),
        };
        return new DeliveryTimerSettings(precision, precision == DeliveryPrecision.Second ? configuration.GetRequired(QueueUrlSetting) : configuration[QueueUrlSetting]);
    }
}

/// <summary>Where a task's wake-up went: a schedule (name and ARN), or the delivery queue.</summary>
public sealed record ArmedTimer(string? ScheduleName, string? ScheduleArn, bool Queued);

/// <summary>
/// Arms the wake-up of a task at its run_at. EventBridge Scheduler fires a one-time schedule anywhere inside
/// the minute of its at() time; an SQS message with DelaySeconds (0-900) becomes visible to the forwarder's
/// event source mapping to the second. So, at second precision: a run_at up to 15 minutes away rides the
/// queue alone; a later one gets a schedule at run_at - 2 minutes, and the forwarder it wakes puts the task
/// on the queue for the remaining seconds. No Lambda ever sleeps through a wait (only through the last
/// sub-second). At minute precision: a schedule at run_at, nothing else.
/// Cost of second precision per million deliveries: one extra short forwarder invocation for long waits and
/// about three SQS requests — see docs/benchmarks.md.
/// </summary>
public sealed class DeliveryTimer(ISchedulerClient scheduler, IDeliveryQueues queue, SchedulerSettings schedulerSettings, DeliveryTimerSettings settings)
{
    /// <summary>SQS's largest per-message delay.</summary>
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromSeconds(900);

    /// <summary>How long before run_at a long wait's schedule fires: more than Scheduler's one-minute spread.</summary>
    public static readonly TimeSpan ScheduleLead = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Queued wake-ups arrive this much before run_at (when there is room), so a cold forwarder's init and the
    /// queue's polling latency are absorbed by the wait instead of making the call late.
    /// </summary>
    public static readonly TimeSpan EarlyArrival = TimeSpan.FromSeconds(1);

    /// <summary>A schedule is never asked for a time closer than this: Scheduler rejects at() times already past.</summary>
    public static readonly TimeSpan MinimumScheduleLead = TimeSpan.FromSeconds(2);

    public DeliveryPrecision Precision => settings.Precision;

    /// <param name="scheduleName">The schedule's name, should one be needed: unique per wake-up, because a create
    /// that conflicts is taken for the same create (see <see cref="TaskSchedulingService.ScheduleName"/>).</param>
    public async Task<ArmedTimer> ArmAsync(TaskRecord task, string scheduleName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var untilDue = task.RunAt - now;
        if (settings.Precision == DeliveryPrecision.Second && untilDue <= MaxQueueDelay)
        {
            var delay = (int)Math.Clamp(Math.Floor((untilDue - EarlyArrival).TotalSeconds), 0, MaxQueueDelay.TotalSeconds);
            await queue.SendAsync(TaskSchedulingService.ForwarderInput(task.TaskId), delay, cancellationToken).ConfigureAwait(false);
            return new ArmedTimer(null, null, Queued: true);
        }

        var fireAt = settings.Precision == DeliveryPrecision.Second ? task.RunAt - ScheduleLead : task.RunAt;
        var arn = await scheduler.CreateScheduleAsync(scheduleName, ScheduleRequest(task, scheduleName, fireAt, now), cancellationToken).ConfigureAwait(false);
        return new ArmedTimer(scheduleName, arn, Queued: false);
    }

    /// <summary>The one-time schedule of a task's wake-up. Its Input is the task id only, never the payload.</summary>
    public CreateScheduleRequest ScheduleRequest(TaskRecord task, string scheduleName, DateTimeOffset fireAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (fireAt < now + MinimumScheduleLead)
        {
            fireAt = now + MinimumScheduleLead;
        }

        // at() has whole seconds: round up, so a minute-precision delivery never fires before its run_at.
        var seconds = (fireAt.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        var at = new DateTime(seconds * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        return new CreateScheduleRequest
        {
            GroupName = schedulerSettings.GroupName,
            ScheduleExpression = $"at({at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)})",
            ScheduleExpressionTimezone = "UTC",
            FlexibleTimeWindow = new FlexibleTimeWindow { Mode = "OFF" },
            ActionAfterCompletion = "DELETE",
            // Same name, same token: a retried create is the same create.
            ClientToken = scheduleName,
            Description = $"Delivery of task {task.TaskId}",
            State = "ENABLED",
            Target = new ScheduleTarget
            {
                Arn = schedulerSettings.ForwarderArn,
                RoleArn = schedulerSettings.RoleArn,
                Input = TaskSchedulingService.ForwarderInput(task.TaskId),
                // Retries of the Lambda invocation itself (throttling, service errors): as many as Scheduler
                // allows for a day, then the dead-letter queue. The forwarder's claim makes repeats harmless.
                RetryPolicy = new RetryPolicy { MaximumEventAgeInSeconds = 86400, MaximumRetryAttempts = 185 },
                DeadLetterConfig = new DeadLetterConfig { Arn = schedulerSettings.DeadLetterQueueArn },
            },
        };
    }

    /// <summary>Parks a given-up delivery on the dead-letter queue for operators (the alarm watches it).</summary>
    public Task SendToDeadLetterQueueAsync(DeadLetterRecord record, CancellationToken cancellationToken) =>
        queue.SendDeadLetterAsync(JsonSerializer.Serialize(record, FunctionsJsonContext.Default.DeadLetterRecord), cancellationToken);
}
