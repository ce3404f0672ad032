namespace Functions.Hosting.Logging;

/// <summary>
/// The invocation in progress, for every log line written during it: its request id and trace id, and whether it
/// is the execution environment's first (a cold start). Begun by the runtime loop in Lambda, or by the
/// <see cref="FunctionHost"/> when its entry point is called directly.
/// </summary>
public sealed class InvocationScope : IDisposable
{
    private static readonly AsyncLocal<InvocationScope?> CurrentScope = new();
    private readonly InvocationScope? _previous;

    private InvocationScope(string requestId, string? traceId, bool coldStart)
    {
        RequestId = requestId;
        TraceId = traceId;
        ColdStart = coldStart;
        _previous = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    public static InvocationScope? Current => CurrentScope.Value;

    public string RequestId { get; }

    public string? TraceId { get; }

    /// <summary>True on the first invocation an execution environment serves.</summary>
    public bool ColdStart { get; }

    public static InvocationScope Begin(string requestId, string? traceId, bool coldStart) => new(requestId, traceId, coldStart);

    public void Dispose() => CurrentScope.Value = _previous;
}
