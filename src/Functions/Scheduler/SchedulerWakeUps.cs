using System.Globalization;
using System.Net;
using Functions.Tasks.WakeUps;

namespace Functions.Scheduler;

/// <summary>
/// Wake-ups as one-time EventBridge Scheduler schedules: <c>at()</c> in UTC, no flexible window, deleted after they
/// fire, the forwarder as the target with the task id (never the payload) as the Input, Scheduler's own retries
/// for a day, then the dead-letter queue. Scheduler's errors reach the domain as <see cref="WakeUpException"/>.
/// </summary>
public sealed class SchedulerWakeUps(ISchedulerClient client, SchedulerSettings settings) : IWakeUpSchedules
{
    // EventBridge Scheduler's context attributes, substituted into the Input when the schedule fires.
    private const string AttemptNumber = "<aws.scheduler.attempt-number>";
    private const string ExecutionId = "<aws.scheduler.execution-id>";
    private const string ScheduledTime = "<aws.scheduler.scheduled-time>";

    public async Task<string> CreateAsync(WakeUpSchedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        try
        {
            return await client.CreateScheduleAsync(schedule.Name, Request(schedule), cancellationToken).ConfigureAwait(false);
        }
        catch (SchedulerException ex)
        {
            throw Translate(ex);
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.DeleteScheduleAsync(name, settings.GroupName, cancellationToken).ConfigureAwait(false);
        }
        catch (SchedulerException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>The CreateSchedule request of a wake-up.</summary>
    public CreateScheduleRequest Request(WakeUpSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var input = schedule.Message with { SchedulerAttempt = AttemptNumber, ExecutionId = ExecutionId, ScheduledTime = ScheduledTime };
        return new CreateScheduleRequest
        {
            GroupName = settings.GroupName,
            ScheduleExpression = $"at({schedule.FireAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)})",
            ScheduleExpressionTimezone = "UTC",
            FlexibleTimeWindow = new FlexibleTimeWindow { Mode = "OFF" },
            ActionAfterCompletion = "DELETE",
            // Same name, same token: a retried create is the same create.
            ClientToken = schedule.Name,
            Description = schedule.Message.TaskId is { } taskId ? $"Delivery of task {taskId}" : $"Occurrence {schedule.Message.Occurrence} of schedule {schedule.Message.ScheduleId}",
            State = "ENABLED",
            Target = new ScheduleTarget
            {
                Arn = settings.ForwarderArn,
                RoleArn = settings.RoleArn,
                Input = input.ToJson(),
                // Retries of the Lambda invocation itself (throttling, service errors): as many as Scheduler
                // allows for a day, then the dead-letter queue. The forwarder's claim makes repeats harmless.
                RetryPolicy = new RetryPolicy { MaximumEventAgeInSeconds = 86400, MaximumRetryAttempts = 185 },
                DeadLetterConfig = new DeadLetterConfig { Arn = settings.DeadLetterQueueArn },
            },
        };
    }

    private static WakeUpException Translate(SchedulerException ex) =>
        new(ex.ErrorType, ex is SchedulerThrottlingException or SchedulerServiceQuotaExceededException || ex.StatusCode == HttpStatusCode.ServiceUnavailable, ex);
}
