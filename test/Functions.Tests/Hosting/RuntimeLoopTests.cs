using System.Text;
using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Logging;
using Functions.Hosting.Runtime;
using Functions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Hosting;

/// <summary>The invoke loop over the real Runtime API client and the test double, in this process.</summary>
public sealed class RuntimeLoopTests
{
    [Fact]
    public async Task AThrowingEntryPoint_BecomesAnInvocationErrorWithTypeMessageAndStack()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var client = new LambdaRuntimeClient(runtime.Address);
        using var logs = new MemoryStream();
        using var loggers = new JsonLoggerProvider("TestFunction", logs, LogLevel.Information);
        InvocationContext? seen = null;
        var loop = new LambdaRuntimeLoop(client, (_, context) =>
        {
            seen = context;
            throw new TimeoutException("target did not answer");
        }, loggers.CreateLogger("test"), TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(stop.Token);

        var outcome = await runtime.InvokeAsync("{}");
        await stop.CancelAsync();

        Assert.True(outcome.IsError);
        using var error = JsonDocument.Parse(outcome.Body);
        Assert.Equal("System.TimeoutException", error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("target did not answer", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.NotEmpty(error.RootElement.GetProperty("stackTrace").EnumerateArray());
        Assert.Equal("arn:aws:lambda:ap-northeast-2:123456789012:function:test", seen!.InvokedFunctionArn);
        Assert.StartsWith("Root=1-5759e988", seen.TraceId, StringComparison.Ordinal);
        Assert.InRange(seen.Deadline - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(31));
        var line = Assert.Single(TestHost.ParseLogLines(Encoding.UTF8.GetString(logs.ToArray())));
        Assert.Equal(seen.RequestId, line.GetProperty("requestId").GetString());
        Assert.Equal("System.TimeoutException", line.GetProperty("errorType").GetString());
        // Stopping ends the loop: cleanly between invocations, or by cancelling the pending /next.
        Assert.Same(running, await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.True(running.IsCompletedSuccessfully || running.IsCanceled, running.Exception?.ToString());
    }

    [Fact]
    public async Task TheContextToken_IsCancelledBeforeTheDeadline()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var client = new LambdaRuntimeClient(runtime.Address);
        using var loggers = new JsonLoggerProvider("TestFunction", Stream.Null, LogLevel.Information);
        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(1500);
        DateTimeOffset cancelledAt = default;
        var loop = new LambdaRuntimeLoop(client, async (_, context) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            cancelledAt = DateTimeOffset.UtcNow;
            return new MemoryStream(Encoding.UTF8.GetBytes(context.CancellationToken.IsCancellationRequested ? "\"cancelled\"" : "\"not\""));
        }, loggers.CreateLogger("test"), TimeProvider.System);
        var pending = runtime.InvokeAsync("{}");
        var next = await client.NextAsync(CancellationToken.None);
        var deadlineMs = deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await loop.InvokeAsync(next with { DeadlineMs = deadlineMs }, CancellationToken.None);
        var outcome = await pending;

        Assert.Equal("\"cancelled\"", outcome.Body);
        // Fired the margin before the deadline (timer slack allowed), so there is time left to answer.
        Assert.InRange(deadline - cancelledAt, LambdaRuntimeLoop.DeadlineMargin - TimeSpan.FromMilliseconds(150), LambdaRuntimeLoop.DeadlineMargin + TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task AResponseRefusedAsTooLarge_EndsThatInvocationWithoutAnotherPost_AndTheLoopGoesOn()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        runtime.MaxResponseBytes = 1000;
        using var client = new LambdaRuntimeClient(runtime.Address);
        using var logs = new MemoryStream();
        using var loggers = new JsonLoggerProvider("TestFunction", logs, LogLevel.Information);
        var size = 5000;
        var loop = new LambdaRuntimeLoop(
            client,
            (_, _) => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes("\"" + new string('x', size) + "\""))),
            loggers.CreateLogger("test"),
            TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(stop.Token);

        var refused = await runtime.InvokeAsync("{}");
        size = 10;
        var served = await runtime.InvokeAsync("{}");
        await stop.CancelAsync();

        Assert.Equal(413, refused.Status);
        Assert.Equal(202, served.Status);
        Assert.False(served.IsError);
        Assert.Equal(0, runtime.LatePosts);
        var line = Assert.Single(TestHost.ParseLogLines(Encoding.UTF8.GetString(logs.ToArray())));
        Assert.Equal(413, line.GetProperty("statusCode").GetInt32());
        Assert.Same(running, await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10))));
    }
}
