namespace Functions.Tasks.WakeUps;

/// <summary>
/// When and how a task's wake-up fires, worked out from its time alone. EventBridge Scheduler fires a one-time
/// schedule anywhere inside the minute of its at() time; an SQS message with DelaySeconds (0-900) becomes visible
/// to the forwarder to the second. So, at second precision, a wake-up up to 15 minutes away rides the queue
/// alone, arriving 0.2 to 1.2 seconds early (room for the queue's polling; the forwarder waits out the rest); a later one gets a schedule two minutes early, and the forwarder it wakes puts the task on the queue for
/// the remaining seconds. At minute precision: a schedule at the time itself. No Lambda ever sleeps through a
/// wait, only through its last second or two.
/// </summary>
public abstract record WakeUpPlan
{
    /// <summary>SQS's largest per-message delay.</summary>
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromSeconds(900);

    /// <summary>How long before the time a long wait's schedule fires: more than Scheduler's one-minute spread.</summary>
    public static readonly TimeSpan ScheduleLead = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A queued wake-up becomes visible at least this much before its time (when there is room), and at most a second
    /// more: enough for the queue's polling and a warm forwarder; the forwarder waits out the rest, and that wait is
    /// billed (docs/cost.md: a second's margin cost more than the whole delivery at 256 MB).
    /// </summary>
    public static readonly TimeSpan EarlyArrival = TimeSpan.FromMilliseconds(200);

    /// <summary>A schedule is never asked for a time closer than this: Scheduler rejects at() times already past.</summary>
    public static readonly TimeSpan MinimumScheduleLead = TimeSpan.FromSeconds(2);

    private WakeUpPlan()
    {
    }

    /// <summary>A message on the delivery queue, visible after <see cref="DelaySeconds"/>.</summary>
    public sealed record Queued(int DelaySeconds) : WakeUpPlan;

    /// <summary>A one-time schedule at <see cref="FireAt"/>, a whole second in UTC.</summary>
    public sealed record Scheduled(DateTimeOffset FireAt) : WakeUpPlan;

    public static WakeUpPlan For(DateTimeOffset wakeAt, DateTimeOffset now, DeliveryPrecision precision)
    {
        var untilDue = wakeAt - now;
        if (precision == DeliveryPrecision.Second && untilDue <= MaxQueueDelay)
        {
            return new Queued((int)Math.Clamp(Math.Floor((untilDue - EarlyArrival).TotalSeconds), 0, MaxQueueDelay.TotalSeconds));
        }

        var fireAt = precision == DeliveryPrecision.Second ? wakeAt - ScheduleLead : wakeAt;
        if (fireAt < now + MinimumScheduleLead)
        {
            fireAt = now + MinimumScheduleLead;
        }

        // at() has whole seconds: round up, so a minute-precision delivery never fires before its time.
        var seconds = (fireAt.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return new Scheduled(new DateTimeOffset(seconds * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }
}
