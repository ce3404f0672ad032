using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Logging;
using Functions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Functions.UnitTests.Hosting;

/// <summary>The EMF writer against the specification's required fields, and the checker against lines that break them.</summary>
public sealed class MetricsLogTests : IDisposable
{
    private readonly MemoryStream _output = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ALine_IsValidEmf_WithDimensionsAndMetricsAsTopLevelMembers_AndTheTaskIdAPlainOne()
    {
        var log = new MetricsLog(new ServiceInfo("ForwarderFunction", "my-stack", "1.0.0"), _output, _clock);

        using (InvocationScope.Begin("req-1", "Root=1-abc", coldStart: false))
        {
            log.Write(
                [new MetricGroup([["Service", "Outcome"]], [new MetricValue("Deliveries", "Count", 1)]), new MetricGroup([["Service"]], [new MetricValue("DeliveryLatenessMs", "Milliseconds", 12.3456)])],
                [new("Outcome", "succeeded")],
                [new("task_id", "t1")]);
        }

        var line = Assert.Single(LogLines.Metrics(_output));
        Assert.Empty(EmfSpec.Problems(line));
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeMilliseconds(), line.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
        Assert.Equal("my-stack", line.GetProperty("Service").GetString());
        Assert.Equal(12.346, line.GetProperty("DeliveryLatenessMs").GetDouble());
        Assert.Equal("t1", line.GetProperty("task_id").GetString());
        Assert.Equal("Root=1-abc", line.GetProperty("traceId").GetString());
        Assert.False(line.TryGetProperty("level", out _), "Lambda's level filter must not drop a metric");
        Assert.DoesNotContain("task_id", line.GetProperty("_aws").GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"_aws": {"Timestamp": 1796029200000, "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [["Service"]], "Metrics": [{"Name": "M", "Unit": "Count"}]}]}, "M": 1}""", "dimension")]
    [InlineData("""{"_aws": {"Timestamp": 1796029200000, "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [["Service"]], "Metrics": [{"Name": "M", "Unit": "Count"}]}]}, "Service": "s"}""", "metric M")]
    [InlineData("""{"_aws": {"Timestamp": "now", "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [], "Metrics": []}]}}""", "Timestamp")]
    [InlineData("""{"_aws": {"Timestamp": 1796029200000, "CloudWatchMetrics": [{"Namespace": " ", "Dimensions": [], "Metrics": []}]}}""", "Namespace")]
    [InlineData("""{"_aws": {"Timestamp": 1796029200000, "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [], "Metrics": [{"Name": "M", "Unit": "Millis"}]}]}, "M": 1}""", "unit")]
    [InlineData("""{"Timestamp": 1796029200000}""", "_aws")]
    public void TheChecker_FindsEachBrokenRequirement(string line, string problem)
    {
        using var json = JsonDocument.Parse(line);

        Assert.Contains(EmfSpec.Problems(json.RootElement), p => p.Contains(problem, StringComparison.Ordinal));
    }

    public void Dispose() => _output.Dispose();
}
