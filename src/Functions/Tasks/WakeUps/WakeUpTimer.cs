namespace Functions.Tasks.WakeUps;

/// <summary>
/// The one owner of a task's wake-up: arms it where <see cref="WakeUpPlan"/> says (a schedule, or the delivery
/// queue) and disarms a schedule. The scheduling function arms the first wake-up, the forwarder the retries and
/// the early ones, the sweeper the lost ones. Cost of second precision per million deliveries: one extra short
/// forwarder invocation for long waits and about three SQS requests (docs/benchmarks.md).
/// </summary>
public sealed class WakeUpTimer(IWakeUpSchedules schedules, IQueuedWakeUps queue, DeliveryPrecision precision)
{
    /// <param name="taskId">The task to wake.</param>
    /// <param name="wakeAt">When its forwarder should call the target.</param>
    /// <param name="scheduleName">The schedule's name, should one be needed (<see cref="WakeUpNames"/>): unique per wake-up.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call to the service.</param>
    public Task<ArmedWakeUp> ArmAsync(string taskId, DateTimeOffset wakeAt, string scheduleName, DateTimeOffset now, CancellationToken cancellationToken) =>
        ArmAsync(new WakeUpMessage { TaskId = taskId }, wakeAt, scheduleName, now, cancellationToken);

    /// <summary>Arms a wake-up that carries <paramref name="message"/> (a task's, or a recurring schedule's occurrence).</summary>
    public async Task<ArmedWakeUp> ArmAsync(WakeUpMessage message, DateTimeOffset wakeAt, string scheduleName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (WakeUpPlan.For(wakeAt, now, precision))
        {
            case WakeUpPlan.Queued(var delay):
                await queue.SendAsync(message, delay, cancellationToken).ConfigureAwait(false);
                return new ArmedWakeUp(null, Queued: true);
            case WakeUpPlan.Scheduled(var fireAt):
                var arn = await schedules.CreateAsync(new WakeUpSchedule(scheduleName, message, fireAt), cancellationToken).ConfigureAwait(false);
                return new ArmedWakeUp(arn, Queued: false);
            default:
                throw new InvalidOperationException("Unknown wake-up plan.");
        }
    }

    /// <summary>Deletes a wake-up schedule by name; false when there was none (or it already fired).</summary>
    public Task<bool> DisarmAsync(string scheduleName, CancellationToken cancellationToken) => schedules.DeleteAsync(scheduleName, cancellationToken);
}
