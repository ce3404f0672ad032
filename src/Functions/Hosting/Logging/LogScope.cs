namespace Functions.Hosting.Logging;

/// <summary>
/// The scopes begun with <c>ILogger.BeginScope</c> in the current async flow, innermost last. A scope whose state
/// is a list of key/value pairs (e.g. <c>[("task_id", id)]</c>) adds those keys to every line written inside it,
/// as Powertools' <c>AppendKeys</c> does for the rest of an invocation.
/// </summary>
internal sealed class LogScope : IDisposable
{
    private static readonly AsyncLocal<LogScope?> CurrentScope = new();
    private readonly LogScope? _parent;
    private bool _disposed;

    private LogScope(object state, LogScope? parent)
    {
        State = state;
        _parent = parent;
    }

    public object State { get; }

    /// <summary>Whether any scope is open in the current async flow.</summary>
    public static bool Any => CurrentScope.Value is not null;

    public static LogScope Push(object state)
    {
        var scope = new LogScope(state, CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>The key/value pairs of every open scope, outermost first.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Keys()
    {
        var chain = new Stack<LogScope>();
        for (var scope = CurrentScope.Value; scope is not null; scope = scope._parent)
        {
            chain.Push(scope);
        }

        foreach (var scope in chain)
        {
            if (scope.State is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    yield return pair;
                }
            }
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CurrentScope.Value = _parent;
        }
    }
}
