using Functions.Hosting;
using Functions.Hosting.Logging;
using Functions.Tasks;
using Functions.Testing;
using Microsoft.Extensions.Logging;

namespace Functions.UnitTests.Hosting;

/// <summary>The log envelope: every line says which function, service and invocation wrote it; scopes add their keys.</summary>
public sealed class LoggingTests : IDisposable
{
    private readonly MemoryStream _logs = new();
    private readonly JsonLoggerProvider _provider;

    public LoggingTests() => _provider = new JsonLoggerProvider("SomeFunction", "some-service", _logs, LogLevel.Information);

    [Fact]
    public void ALineInsideATaskScope_CarriesTheTaskId_AndOneOutsideDoesNot()
    {
        var logger = _provider.CreateLogger("test");

        using (logger.BeginTaskScope("task-1"))
        {
            logger.LogInformation("Inside {Thing}", 1);
        }

        logger.LogInformation("Outside");

        var lines = LogLines.Parse(_logs);
        Assert.Equal("task-1", lines[0].GetProperty("task_id").GetString());
        Assert.False(lines[1].TryGetProperty("task_id", out _));
    }

    [Fact]
    public async Task ScopesFlowAcrossAwaits_AndAnInnerScopeAddsAndReplacesKeys()
    {
        var logger = _provider.CreateLogger("test");

        using (logger.BeginScope(new[] { new KeyValuePair<string, object?>("task_id", "outer"), new KeyValuePair<string, object?>("caller", "billing") }))
        {
            await Task.Yield();
            using (logger.BeginTaskScope("inner"))
            {
                await Task.Yield();
                logger.LogInformation("Nested");
            }
        }

        var line = Assert.Single(LogLines.Parse(_logs));
        Assert.Equal("inner", line.GetProperty("task_id").GetString());
        Assert.Equal("billing", line.GetProperty("caller").GetString());
    }

    private sealed class LogsWhenPrinted(ILogger logger)
    {
        public override string ToString()
        {
            logger.LogInformation("Inner {Value}", 1);
            return "outer value";
        }
    }

    [Fact]
    public void AValueWhoseToStringLogs_WritesEveryLine_EachWithItsOwnKeys()
    {
        var logger = _provider.CreateLogger("test");

        using (logger.BeginTaskScope("task-9"))
        {
            logger.LogInformation("Outer {Thing}", new LogsWhenPrinted(logger));
        }

        // The value is printed for the message and for its property: each print logs its own line.
        var lines = LogLines.Parse(_logs);
        var outer = Assert.Single(lines, l => l.GetProperty("message").GetString() == "Outer outer value");
        Assert.Equal("outer value", outer.GetProperty("thing").GetString());
        Assert.False(outer.TryGetProperty("value", out _));
        Assert.All(lines.Where(l => l.GetProperty("message").GetString() == "Inner 1"), l => Assert.Equal(1, l.GetProperty("value").GetInt32()));
        Assert.Equal(lines.Count - 1, lines.Count(l => l.GetProperty("message").GetString() == "Inner 1"));
        Assert.All(lines, l => Assert.Equal("task-9", l.GetProperty("task_id").GetString()));
    }

    [Fact]
    public void EveryLine_CarriesFunctionServiceAndTheInvocationsKeys()
    {
        var logger = _provider.CreateLogger("test");

        using (InvocationScope.Begin("req-1", "Root=1-abc", coldStart: true))
        {
            logger.LogWarning("Something {Count}", 3);
        }

        var line = Assert.Single(LogLines.Parse(_logs));
        Assert.Equal("SomeFunction", line.GetProperty("function").GetString());
        Assert.Equal("some-service", line.GetProperty("service").GetString());
        Assert.Equal("req-1", line.GetProperty("requestId").GetString());
        Assert.Equal("Root=1-abc", line.GetProperty("traceId").GetString());
        Assert.True(line.GetProperty("cold_start").GetBoolean());
        Assert.Equal(3, line.GetProperty("count").GetInt32());
        Assert.Equal("WARN", line.GetProperty("level").GetString());
    }

    [Fact]
    public async Task AFunctionsFirstInvocation_IsTheColdStart_AndTheNextIsNot()
    {
        using var host = TestHost.Create("HealthFunction", new Dictionary<string, string?> { [SettingNames.ServiceName] = "tasks-service" });

        // Not JSON: the entry point logs the refusal, so each invocation writes one line.
        await host.InvokeHttpAsync("{not json");
        await host.InvokeHttpAsync("{not json");

        var lines = host.LogLines();
        Assert.Equal(2, lines.Count);
        Assert.True(lines[0].GetProperty("cold_start").GetBoolean());
        Assert.False(lines[1].GetProperty("cold_start").GetBoolean());
        Assert.All(lines, line =>
        {
            Assert.Equal("HealthFunction", line.GetProperty("function").GetString());
            Assert.Equal("tasks-service", line.GetProperty("service").GetString());
            Assert.Equal("test-request", line.GetProperty("requestId").GetString());
        });
        // And one ColdStarts metric, by Service and Function, for the first invocation only.
        var metric = Assert.Single(host.MetricLines());
        Assert.Equal(1, metric.GetProperty("ColdStarts").GetDouble());
        Assert.Equal("HealthFunction", metric.GetProperty("Function").GetString());
        Assert.Equal("tasks-service", metric.GetProperty("Service").GetString());
        Assert.Equal("""[["Service","Function"]]""", metric.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").GetRawText());
    }

    public void Dispose()
    {
        _provider.Dispose();
        _logs.Dispose();
    }
}
