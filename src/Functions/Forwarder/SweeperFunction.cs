using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Tasks;
using Functions.TaskStore;
using Microsoft.Extensions.Logging;
using static Functions.Tasks.TaskSettingNames;

namespace Functions.Forwarder;

/// <summary>
/// The safety net for "nothing accepted is ever lost": every five minutes it looks for tasks whose wake-up may
/// have been lost — still <c>pending</c> well after the scheduling function's timeout (it died between writing
/// the task and arming it), <c>retrying</c> well past its run_at (its retry's wake-up was never armed),
/// <c>running</c> with a lease long expired (its worker died and no retry came) — and arms a new wake-up for
/// each. Only these transient states are swept, so a sweep reads few items however many tasks wait;
/// <c>scheduled</c> tasks have a durable wake-up (Scheduler retries for a day, then the dead-letter queue).
/// A spare wake-up is harmless: the forwarder's claim is conditional.
/// </summary>
public sealed partial class SweeperFunction(ITaskStore store, DeliveryTimer timer, TimeProvider time, ILogger<SweeperFunction> logger)
{
    /// <summary>How overdue a task must be before the sweeper re-arms it (well past any normal lateness).</summary>
    public static readonly TimeSpan Overdue = TimeSpan.FromMinutes(5);

    private static readonly byte[] Done = "{}"u8.ToArray();

    [LambdaFunction("SweeperFunction", MemorySize = 512, Timeout = 60, Description = "Re-arms tasks whose wake-up was lost (safety net).")]
    [RecurringSchedule("rate(5 minutes)")]
    [Allow(["dynamodb:Query"], TaskEnvironment.TableIndexes)]
    [Allow(["dynamodb:GetItem"], TaskEnvironment.TableArn, LeadingKeys = ["task#*"])]
    [Allow(["scheduler:CreateSchedule", "scheduler:GetSchedule"], TaskEnvironment.GroupSchedules)]
    [Allow(["iam:PassRole"], TaskEnvironment.SchedulerRoleArn)]
    [Allow(["sqs:SendMessage"], TaskEnvironment.DeliveryQueueArn)]
    [FunctionEnvironment(TableName, TaskEnvironment.Table)]
    [FunctionEnvironment(RetentionDays, TaskEnvironment.RetentionDays)]
    [FunctionEnvironment(ScheduleGroup, TaskEnvironment.ScheduleGroup)]
    [FunctionEnvironment(SchedulerRoleArn, TaskEnvironment.SchedulerRoleArn)]
    [FunctionEnvironment(ForwarderArn, TaskEnvironment.ForwarderArnByName)]
    [FunctionEnvironment(DeadLetterQueueArn, TaskEnvironment.DeadLetterQueueArn)]
    [FunctionEnvironment(DeliveryTimerSettings.PrecisionSetting, TaskEnvironment.DeliveryPrecision)]
    [FunctionEnvironment(DeliveryTimerSettings.QueueUrlSetting, TaskEnvironment.DeliveryQueueUrl)]
    public async Task<Stream> Sweep(Stream @event, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var rearmed = 0;
        foreach (var status in new[] { TaskState.Pending, TaskState.Retrying, TaskState.Running })
        {
            string? cursor = null;
            do
            {
                var page = await store.ListAsync(status, 100, cursor, context.CancellationToken).ConfigureAwait(false);
                foreach (var listed in page.Tasks)
                {
                    if (await IsLostAsync(listed, status, now, context.CancellationToken).ConfigureAwait(false) is { } task)
                    {
                        var wakeAt = task.RunAt > now ? task.RunAt : now;
                        var name = TaskSchedulingService.ScheduleName(task.TaskId, task.Attempts + 1, rearmedFor: wakeAt);
                        await timer.ArmAsync(task with { RunAt = wakeAt }, name, now, context.CancellationToken).ConfigureAwait(false);
                        rearmed++;
                        LogRearmed(logger, task.TaskId, status);
                    }
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null && context.RemainingTime(time) > TimeSpan.FromSeconds(10));
        }

        LogSwept(logger, rearmed);
        return new MemoryStream(Done);
    }

    private async Task<TaskRecord?> IsLostAsync(TaskRecord listed, TaskState status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidate = status switch
        {
            TaskState.Pending => listed.CreatedAt < now - Overdue,
            TaskState.Retrying => listed.RunAt < now - Overdue,
            _ => true,
        };
        if (!candidate)
        {
            return null;
        }

        // The index holds a projection; read the task itself (status may have moved, the lease is not projected).
        var task = await store.GetAsync(listed.TaskId, cancellationToken).ConfigureAwait(false);
        return task switch
        {
            null => null,
            { Status: TaskState.Running } when task.LeaseUntil is { } lease && lease < now - Overdue => task,
            { Status: TaskState.Running } => null,
            _ when task.Status != status => null,
            _ => task,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} was {Status} with no wake-up in sight; re-armed")]
    private static partial void LogRearmed(ILogger logger, string taskId, TaskState status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep done: {Rearmed} tasks re-armed")]
    private static partial void LogSwept(ILogger logger, int rearmed);
}
