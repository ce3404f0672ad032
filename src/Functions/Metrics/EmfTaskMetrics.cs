using Functions.Hosting.Logging;
using Functions.Tasks;

namespace Functions.Metrics;

/// <summary>
/// The task metrics as CloudWatch Embedded Metric Format lines in namespace <see cref="MetricsLog.Namespace"/>:
/// <list type="bullet">
/// <item><c>TasksScheduled</c> (Count) by Service;</item>
/// <item><c>Deliveries</c> (Count) by Service and Outcome (succeeded, retried, failed);</item>
/// <item><c>DeliveryLatenessMs</c> and <c>AttemptDurationMs</c> (Milliseconds) by Service, so one p99 covers every attempt.</item>
/// </list>
/// Six custom metrics in all (docs/cost.md); the task id is a plain member of the line.
/// </summary>
public sealed class EmfTaskMetrics(MetricsLog log) : ITaskMetrics
{
    public const string TasksScheduled = "TasksScheduled";
    public const string Deliveries = "Deliveries";
    public const string DeliveryLatenessMs = "DeliveryLatenessMs";
    public const string AttemptDurationMs = "AttemptDurationMs";
    public const string OutcomeDimension = "Outcome";

    private static readonly string[] ByService = [MetricsLog.ServiceDimension];
    private static readonly string[] ByOutcome = [MetricsLog.ServiceDimension, OutcomeDimension];

    public void Scheduled(string taskId) =>
        log.Write([new MetricGroup([ByService], [new MetricValue(TasksScheduled, "Count", 1)])], properties: [new("task_id", taskId)]);

    public void Attempted(string taskId, AttemptEnd outcome, TimeSpan? lateness, TimeSpan? duration)
    {
        var timings = new List<MetricValue>(2);
        if (lateness is { } late)
        {
            timings.Add(new MetricValue(DeliveryLatenessMs, "Milliseconds", late.TotalMilliseconds));
        }

        if (duration is { } took)
        {
            timings.Add(new MetricValue(AttemptDurationMs, "Milliseconds", took.TotalMilliseconds));
        }

        List<MetricGroup> groups = [new MetricGroup([ByOutcome], [new MetricValue(Deliveries, "Count", 1)])];
        if (timings.Count > 0)
        {
            groups.Add(new MetricGroup([ByService], timings));
        }

        log.Write(groups, [new(OutcomeDimension, Outcome(outcome))], [new("task_id", taskId)]);
    }

    public static string Outcome(AttemptEnd outcome) => outcome switch
    {
        AttemptEnd.Succeeded => "succeeded",
        AttemptEnd.Retried => "retried",
        _ => "failed",
    };
}
