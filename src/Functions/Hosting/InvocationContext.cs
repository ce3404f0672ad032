namespace Functions.Hosting;

/// <summary>
/// What the Runtime API says about one invocation (the Lambda-Runtime-* headers of /invocation/next),
/// plus a token that is cancelled shortly before the deadline so outgoing calls stop in time.
/// </summary>
public sealed record InvocationContext(
    string RequestId,
    DateTimeOffset Deadline,
    string InvokedFunctionArn,
    string? TraceId,
    CancellationToken CancellationToken)
{
    public TimeSpan RemainingTime(TimeProvider time) => Deadline - time.GetUtcNow();

    /// <summary>A context for calling an entry point outside Lambda (tests, the local runner).</summary>
    public static InvocationContext Create(string requestId, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default) =>
        new(requestId, (time ?? TimeProvider.System).GetUtcNow() + timeout, "arn:aws:lambda:local:000000000000:function:local", null, cancellationToken);
}
