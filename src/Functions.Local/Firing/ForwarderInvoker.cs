using System.Text;
using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Sqs;
using Functions.Serialization;

namespace Functions.Local.Firing;

/// <summary>Invokes the forwarder's entry point the way Lambda would: a schedule's Input, or an SQS batch.</summary>
public sealed class ForwarderInvoker(LocalFunctions functions, TimeProvider time)
{
    private const string Name = "ForwarderFunction";

    /// <summary>An asynchronous invocation with a schedule's Input, its context attributes filled in.</summary>
    public async Task InvokeScheduleAsync(string input, string scheduleArn, int attempt, CancellationToken cancellationToken)
    {
        var filled = input
            .Replace("<aws.scheduler.attempt-number>", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("<aws.scheduler.execution-id>", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("<aws.scheduler.scheduled-time>", time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("<aws.scheduler.schedule-arn>", scheduleArn, StringComparison.Ordinal);
        using var @event = new MemoryStream(Encoding.UTF8.GetBytes(filled));
        await using var _ = await functions.Get(Name).EntryPoint(@event, Context(cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>An SQS event source mapping's batch; the ids of the messages that failed.</summary>
    public async Task<HashSet<string>> InvokeBatchAsync(IReadOnlyList<(string MessageId, string Body)> messages, CancellationToken cancellationToken)
    {
        var batch = new SqsEvent { Records = [.. messages.Select(m => new SqsRecord { MessageId = m.MessageId, Body = m.Body, EventSource = "aws:sqs" })] };
        using var @event = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(batch, FunctionsJsonContext.Default.SqsEvent));
        await using var output = await functions.Get(Name).EntryPoint(@event, Context(cancellationToken)).ConfigureAwait(false);
        var response = await JsonSerializer.DeserializeAsync(output, FunctionsJsonContext.Default.SqsBatchResponse, cancellationToken).ConfigureAwait(false);
        return [.. response?.BatchItemFailures.Select(f => f.ItemIdentifier) ?? []];
    }

    private InvocationContext Context(CancellationToken cancellationToken)
    {
        var function = functions.Get(Name).Function;
        return new InvocationContext(Guid.NewGuid().ToString(), time.GetUtcNow().AddSeconds(function.Timeout), "arn:aws:lambda:local:000000000000:function:forwarder", null, cancellationToken);
    }
}
