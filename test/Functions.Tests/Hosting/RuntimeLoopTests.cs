using Functions.Testing;
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
        using var loggers = new JsonLoggerProvider("TestFunction", "test-service", logs, LogLevel.Information);
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
        var line = Assert.Single(LogLines.Parse(logs));
        Assert.Equal(seen.RequestId, line.GetProperty("requestId").GetString());
        Assert.Equal("System.TimeoutException", line.GetProperty("errorType").GetString());
        // Stopping ends the loop: cleanly between invocations, or by cancelling the pending /next.
        Assert.Same(running, await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.True(running.IsCompletedSuccessfully || running.IsCanceled, running.Exception?.ToString());
    }

    [Fact]
    public async Task TheContextToken_IsCancelledTheMarginBeforeTheDeadline()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var client = new LambdaRuntimeClient(runtime.Address);
        using var loggers = new JsonLoggerProvider("TestFunction", "test-service", Stream.Null, LogLevel.Information);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var started = new TaskCompletionSource<InvocationContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = new LambdaRuntimeLoop(client, async (_, context) =>
        {
            started.SetResult(context);
            await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            return new MemoryStream(Encoding.UTF8.GetBytes("\"cancelled\""));
        }, loggers.CreateLogger("test"), clock);
        var deadline = clock.GetUtcNow().AddMilliseconds(1500);
        var pending = runtime.InvokeAsync("{}");
        var next = await client.NextAsync(CancellationToken.None);

        var invoking = loop.InvokeAsync(next with { DeadlineMs = deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }, CancellationToken.None);
        var context = await started.Task;
        clock.Advance(TimeSpan.FromMilliseconds(990));
        var beforeMargin = context.CancellationToken.IsCancellationRequested;
        clock.Advance(TimeSpan.FromMilliseconds(20));
        var atMargin = context.CancellationToken.IsCancellationRequested;
        await invoking;

        Assert.False(beforeMargin);
        Assert.True(atMargin);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(deadline.ToUnixTimeMilliseconds()), context.Deadline);
        Assert.Equal("\"cancelled\"", (await pending).Body);
    }

    [Fact]
    public async Task AResponseRefusedAsTooLarge_EndsThatInvocationWithoutAnotherPost_AndTheLoopGoesOn()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        runtime.MaxResponseBytes = 1000;
        using var client = new LambdaRuntimeClient(runtime.Address);
        using var logs = new MemoryStream();
        using var loggers = new JsonLoggerProvider("TestFunction", "test-service", logs, LogLevel.Information);
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
        var line = Assert.Single(LogLines.Parse(logs));
        Assert.Equal(413, line.GetProperty("statusCode").GetInt32());
        Assert.Same(running, await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10))));
    }
}
