using System.Text.Json;
using System.Text.Json.Nodes;
using Functions.Hosting.Annotations;
using Functions.Hosting.Logging;
using Functions.Metrics;

namespace Functions.Template;

/// <summary>
/// The stack's CloudWatch dashboard: what an operator watches. Scheduled and delivered a minute, delivery lateness
/// p50/p99 (the product's promise), failures and retries, the forwarder's duration and errors, the delivery
/// queue's oldest wake-up, the system dead-letter queue and the callers' failed deliveries, and cold starts. The
/// metric names come from the code that writes them (<see cref="EmfTaskMetrics"/>, <see cref="MetricsLog"/>).
/// </summary>
public static class Dashboard
{
    public const string LogicalId = "OperationsDashboard";

    private const string Service = "${AWS::StackName}";

    public static JsonObject Resource(string forwarder) => new()
    {
        ["Type"] = "AWS::CloudWatch::Dashboard",
        // No DashboardName: CloudFormation names it after the stack, so two stacks never collide.
        ["Properties"] = new JsonObject { ["DashboardBody"] = new JsonObject { ["Fn::Sub"] = Body(forwarder) } },
    };

    private static string Body(string forwarder)
    {
        var ns = MetricsLog.Namespace;
        JsonArray Outcome(string outcome, string label) => [ns, EmfTaskMetrics.Deliveries, MetricsLog.ServiceDimension, Service, EmfTaskMetrics.OutcomeDimension, outcome, new JsonObject { ["label"] = label }];
        var widgets = new JsonArray
        {
            Widget(0, 0, "Tasks scheduled and delivered a minute", "Sum", 60,
            [
                new JsonArray(ns, EmfTaskMetrics.TasksScheduled, MetricsLog.ServiceDimension, Service, new JsonObject { ["label"] = "scheduled" }),
                Outcome("succeeded", "delivered"),
            ]),
            Widget(12, 0, "Delivery lateness (call time − run_at), ms", null, 60,
            [
                new JsonArray(ns, EmfTaskMetrics.DeliveryLatenessMs, MetricsLog.ServiceDimension, Service, new JsonObject { ["stat"] = "p50", ["label"] = "p50" }),
                new JsonArray(ns, EmfTaskMetrics.DeliveryLatenessMs, MetricsLog.ServiceDimension, Service, new JsonObject { ["stat"] = "p99", ["label"] = "p99" }),
            ]),
            Widget(0, 6, "Failed and retried attempts", "Sum", 300,
            [
                Outcome("failed", "failed (task ended)"),
                Outcome("retried", "retried"),
            ]),
            Widget(12, 6, "Forwarder: duration and errors", null, 60,
            [
                new JsonArray("AWS/Lambda", "Duration", "FunctionName", "${" + forwarder + "}", new JsonObject { ["stat"] = "p99", ["label"] = "duration p99 (ms)" }),
                new JsonArray(ns, EmfTaskMetrics.AttemptDurationMs, MetricsLog.ServiceDimension, Service, new JsonObject { ["stat"] = "p99", ["label"] = "target call p99 (ms)" }),
                new JsonArray("AWS/Lambda", "Errors", "FunctionName", "${" + forwarder + "}", new JsonObject { ["stat"] = "Sum", ["yAxis"] = "right", ["label"] = "errors" }),
            ]),
            Widget(0, 12, "Oldest wake-up on the delivery queue, s", "Maximum", 60,
            [
                new JsonArray("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", "${" + StackReferences.DeliveryQueue + ".QueueName}"),
            ]),
            Widget(12, 12, "Parked: system dead letters and failed deliveries", "Maximum", 300,
            [
                new JsonArray("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${" + StackReferences.DeadLetterQueue + ".QueueName}", new JsonObject { ["label"] = "system dead-letter queue (our fault)" }),
                new JsonArray("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${" + StackReferences.FailedDeliveriesQueue + ".QueueName}", new JsonObject { ["label"] = "failed deliveries (the callers')" }),
            ]),
            new JsonObject
            {
                ["type"] = "metric",
                ["x"] = 0,
                ["y"] = 18,
                ["width"] = 24,
                ["height"] = 6,
                ["properties"] = new JsonObject
                {
                    ["title"] = "Cold starts by function",
                    ["region"] = "${AWS::Region}",
                    ["view"] = "timeSeries",
                    ["period"] = 300,
                    ["metrics"] = new JsonArray(new JsonArray(new JsonObject
                    {
                        ["expression"] = $"SEARCH('{{{ns},{MetricsLog.ServiceDimension},{MetricsLog.FunctionDimension}}} MetricName=\"{MetricsLog.ColdStarts}\" {MetricsLog.ServiceDimension}=\"{Service}\"', 'Sum', 300)",
                        ["id"] = "coldstarts",
                    })),
                },
            },
        };
        return new JsonObject { ["widgets"] = widgets }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static JsonObject Widget(int x, int y, string title, string? stat, int period, JsonArray[] metrics)
    {
        var properties = new JsonObject
        {
            ["title"] = title,
            ["region"] = "${AWS::Region}",
            ["view"] = "timeSeries",
            ["period"] = period,
            ["metrics"] = new JsonArray([.. metrics]),
        };
        if (stat is not null)
        {
            properties["stat"] = stat;
        }

        return new JsonObject { ["type"] = "metric", ["x"] = x, ["y"] = y, ["width"] = 12, ["height"] = 6, ["properties"] = properties };
    }
}
