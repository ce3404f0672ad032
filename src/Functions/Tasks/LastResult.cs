namespace Functions.Tasks;

/// <summary>
/// The result a task shows as <c>last_status_code</c> and <c>last_error</c>, always written as a pair: an attempt
/// that ended without an HTTP status clears the status of the attempt before it, and a success clears the error.
/// </summary>
public sealed record LastResult(int? StatusCode, string? Error);
