namespace Functions.Tasks.WakeUps;

/// <summary>How precisely deliveries land on their run_at (the DELIVERY_PRECISION setting).</summary>
public enum DeliveryPrecision
{
    /// <summary>Within about a second: the last stretch of every wait rides an SQS delay (default).</summary>
    Second,

    /// <summary>EventBridge Scheduler alone: anywhere inside the minute after run_at, one invocation per delivery.</summary>
    Minute,
}
