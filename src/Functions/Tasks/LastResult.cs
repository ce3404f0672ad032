namespace Functions.Tasks;

/// <summary>
/// The result a task shows as <c>last_status_code</c> and <c>last_error</c>, always written as a pair: an attempt
/// that ended without an HTTP status clears the status of the attempt before it, and a success clears the error.
/// </summary>
public sealed record LastResult(int? StatusCode, string? Error)
{
    /// <summary>The longest error a store keeps; a longer one is cut, ending in an ellipsis.</summary>
    public const int MaxErrorLength = 1024;

    /// <summary>The error as a store keeps it: null when empty, at most <see cref="MaxErrorLength"/> characters.</summary>
    public string? StoredError => string.IsNullOrEmpty(Error) ? null
        : Error.Length <= MaxErrorLength ? Error
        : string.Concat(Error.AsSpan(0, MaxErrorLength - 1), "…");
}
