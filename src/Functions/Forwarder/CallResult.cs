namespace Functions.Forwarder;

/// <summary>How a call to a target ended, as far as retrying goes.</summary>
public enum CallOutcome
{
    /// <summary>2xx.</summary>
    Succeeded,

    /// <summary>408, 429, 5xx, a timeout or a connection failure: worth another attempt.</summary>
    Retryable,

    /// <summary>Any other status (4xx, a redirect) or a target the policy refuses: another attempt would end the same.</summary>
    Refused,
}

/// <summary>
/// One call to a target: its outcome, status (none when it ended without one), error and its kind
/// (<see cref="Tasks.AttemptErrors"/>), duration, Retry-After, and the start of the answer's body.
/// </summary>
public sealed record CallResult(CallOutcome Outcome, int? StatusCode, string? Error, TimeSpan Duration, TimeSpan? RetryAfter = null)
{
    public string? ErrorKind { get; init; }

    public ResponseSnippet? Response { get; init; }
}
