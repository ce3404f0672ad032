namespace Functions.Hosting.Logging;

/// <summary>The request and trace ids of the invocation in progress, for every log line written during it.</summary>
public sealed class InvocationScope : IDisposable
{
    private static readonly AsyncLocal<InvocationScope?> CurrentScope = new();
    private readonly InvocationScope? _previous;

    private InvocationScope(string requestId, string? traceId)
    {
        RequestId = requestId;
        TraceId = traceId;
        _previous = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    public static InvocationScope? Current => CurrentScope.Value;

    public string RequestId { get; }

    public string? TraceId { get; }

    public static InvocationScope Begin(string requestId, string? traceId) => new(requestId, traceId);

    public void Dispose() => CurrentScope.Value = _previous;
}
