using System.Net;
using Functions.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace Functions.Hosting.Runtime;

/// <summary>
/// The invoke loop: next event, call the entry point, post its result, or post the exception as an
/// invocation error and go on to the next event.
/// </summary>
public sealed partial class LambdaRuntimeLoop(LambdaRuntimeClient client, FunctionEntryPoint entryPoint, ILogger logger, TimeProvider time)
{
    /// <summary>Outgoing calls are cancelled this long before the deadline, so the function can still answer.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromMilliseconds(500);

    private int _invocations;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var invocation = await client.NextAsync(stoppingToken).ConfigureAwait(false);
            await InvokeAsync(invocation, stoppingToken).ConfigureAwait(false);
        }
    }

    public async Task InvokeAsync(Invocation invocation, CancellationToken stoppingToken)
    {
        // The trace header reaches AWS SDK calls and X-Ray through this variable, per the Runtime API docs.
        Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
        // The loop serves one execution environment: its first invocation is the cold start.
        using var scope = InvocationScope.Begin(invocation.RequestId, invocation.TraceId, coldStart: Interlocked.Increment(ref _invocations) == 1);
        Stream? result = null;
        try
        {
            var context = invocation.CreateContext(CancellationToken.None);
            var budget = context.RemainingTime(time) - DeadlineMargin;
            using var timeout = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, time);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            result = await entryPoint(invocation.Event, context with { CancellationToken = deadline.Token }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Any failure of one invocation is that invocation's error; the environment stays usable.
            LogInvocationFailed(logger, ex, invocation.RequestId);
            LogIfRefused(await client.PostInvocationErrorAsync(invocation.RequestId, ex, stoppingToken).ConfigureAwait(false), invocation.RequestId, -1);
            return;
        }

        await using (result.ConfigureAwait(false))
        {
            var length = result.CanSeek ? result.Length : -1;
            LogIfRefused(await client.PostResponseAsync(invocation.RequestId, result, stoppingToken).ConfigureAwait(false), invocation.RequestId, length);
        }
    }

    // A 4xx is this invocation's end: the Runtime API has failed it (413: response over 6 MB) and answers any
    // further post for it with 403 (brefphp/bref#1483), so nothing more is sent and the loop goes on.
    private void LogIfRefused(HttpStatusCode? refused, string requestId, long responseBytes)
    {
        if (refused is { } status)
        {
            LogPostRefused(logger, requestId, (int)status, responseBytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The Runtime API refused the result of {AwsRequestId} with {StatusCode} ({ResponseBytes} bytes)")]
    private static partial void LogPostRefused(ILogger logger, string awsRequestId, int statusCode, long responseBytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {AwsRequestId} failed")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception, string awsRequestId);
}
