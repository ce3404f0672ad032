using System.Buffers;
using System.Text.Json;

namespace Functions.Hosting.Logging;

/// <summary>One value of a metric: its name, CloudWatch unit and value.</summary>
public readonly record struct MetricValue(string Name, string Unit, double Value);

/// <summary>Metrics aggregated by the same dimension sets (one EMF directive); each set starts with Service.</summary>
public sealed record MetricGroup(IReadOnlyList<string[]> DimensionSets, IReadOnlyList<MetricValue> Metrics);

/// <summary>
/// CloudWatch Embedded Metric Format lines, written through the log output the logger uses (one JSON object a line,
/// synchronously, under the logger's lock), so CloudWatch Logs turns them into metrics with no API call and no
/// agent: <c>_aws.Timestamp</c> in epoch ms, <c>_aws.CloudWatchMetrics[{Namespace, Dimensions, Metrics}]</c>, and
/// every dimension and metric as a top-level member. Dimensions are low-cardinality only (<c>Service</c>, which is
/// the stack's name, <c>Function</c>, an outcome); a task id is a plain member, never a dimension (each distinct
/// dimension value set is a billed custom metric). The line carries the invocation's request and trace ids like
/// every log line, and no <c>level</c>: Lambda's log-level filter must never drop a metric.
/// </summary>
public sealed class MetricsLog(ServiceInfo service, Stream output, TimeProvider time)
{
    /// <summary>The CloudWatch namespace of every metric of the product.</summary>
    public const string Namespace = "DelayedHttpTasks";

    /// <summary>The execution environment served its first invocation (Count), by Service and Function.</summary>
    public const string ColdStarts = "ColdStarts";

    public const string ServiceDimension = "Service";

    public const string FunctionDimension = "Function";

    /// <summary>A cold start of this function.</summary>
    public void ColdStart() => Write([new MetricGroup([[ServiceDimension, FunctionDimension]], [new MetricValue(ColdStarts, "Count", 1)])]);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes one EMF line with every group's metrics; <paramref name="dimensions"/> gives dimension values besides
    /// Service and Function, <paramref name="properties"/> plain members (a task id).
    /// </summary>
    public void Write(IReadOnlyList<MetricGroup> groups, IReadOnlyList<KeyValuePair<string, string>>? dimensions = null, IReadOnlyList<KeyValuePair<string, string?>>? properties = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", time.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            foreach (var group in groups)
            {
                json.WriteStartObject();
                json.WriteString("Namespace", Namespace);
                json.WriteStartArray("Dimensions");
                foreach (var set in group.DimensionSets)
                {
                    json.WriteStartArray();
                    foreach (var name in set)
                    {
                        json.WriteStringValue(name);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteStartArray("Metrics");
                foreach (var metric in group.Metrics)
                {
                    json.WriteStartObject();
                    json.WriteString("Name", metric.Name);
                    json.WriteString("Unit", metric.Unit);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteString(ServiceDimension, service.ServiceName);
            json.WriteString(FunctionDimension, service.FunctionName);
            foreach (var (name, value) in dimensions ?? [])
            {
                json.WriteString(name, value);
            }

            foreach (var group in groups)
            {
                foreach (var metric in group.Metrics)
                {
                    json.WriteNumber(metric.Name, double.IsFinite(metric.Value) ? Math.Round(metric.Value, 3) : 0);
                }
            }

            if (InvocationScope.Current is { } invocation)
            {
                json.WriteString("requestId", invocation.RequestId);
                if (invocation.TraceId is not null)
                {
                    json.WriteString("traceId", invocation.TraceId);
                }
            }

            foreach (var (name, value) in properties ?? [])
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        lock (JsonLoggerProvider.OutputGate)
        {
            output.Write(buffer.WrittenSpan);
            output.Flush();
        }
    }
}
