using System.Text.Json.Serialization;

namespace Functions.Tasks;

/// <summary>
/// One attempt on a task's record (<see cref="TaskRecord.AttemptLog"/>), written by the forwarder with the attempt's
/// outcome. Stored as compact JSON on the task (short names: every byte of a task item is paid on each of its writes);
/// the API shows it with full names.
/// </summary>
public sealed record TaskAttempt
{
    /// <summary>The attempt's number on the task (1, 2, ...; it keeps counting across manual retries).</summary>
    [JsonPropertyName("n")] public required int Attempt { get; init; }

    /// <summary>The manual retry this attempt belongs to: 0 before any, 1 after the first (<see cref="TaskRecord.Retries"/>).</summary>
    [JsonPropertyName("r"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Retry { get; init; }

    /// <summary>When the call was sent (for a lost worker: when its loss was found).</summary>
    [JsonPropertyName("at")] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long the call took, to its answer's headers (null when none was made).</summary>
    [JsonPropertyName("ms")] public double? DurationMs { get; init; }

    /// <summary>The target's HTTP status (null when the attempt ended without one).</summary>
    [JsonPropertyName("code")] public int? StatusCode { get; init; }

    /// <summary>Why the attempt did not succeed, as a kind (<see cref="AttemptErrors"/>); null when it did.</summary>
    [JsonPropertyName("kind")] public string? ErrorKind { get; init; }

    /// <summary>The error's text, at most <see cref="AttemptLog.MaxErrorLength"/> characters.</summary>
    [JsonPropertyName("err")] public string? Error { get; init; }

    /// <summary>The first 512 bytes of the answer's body as text; null when it was binary or empty.</summary>
    [JsonPropertyName("body")] public string? Response { get; init; }

    /// <summary>The body's length when known (Content-Length, or what was read of a binary body).</summary>
    [JsonPropertyName("size")] public long? ResponseBytes { get; init; }

    /// <summary>What the attempt led to: succeeded, retrying or failed.</summary>
    [JsonPropertyName("end")] public required string Outcome { get; init; }

    /// <summary>When the next attempt is due (retrying only).</summary>
    [JsonPropertyName("next")] public DateTimeOffset? NextRetryAt { get; init; }
}

/// <summary>The kinds of <see cref="TaskAttempt.ErrorKind"/>.</summary>
public static class AttemptErrors
{
    /// <summary>The target answered with a status other than 2xx.</summary>
    public const string HttpStatus = "http_status";

    /// <summary>No answer within the attempt's timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The connection failed (name resolution, refused, reset, TLS).</summary>
    public const string Connection = "connection";

    /// <summary>The target policy refused the address (SSRF guard).</summary>
    public const string Blocked = "blocked";

    /// <summary>The worker of the attempt was lost (its lease ran out without an outcome).</summary>
    public const string Lost = "lost";
}

/// <summary>The bounded attempt log: the last <see cref="MaxEntries"/> attempts, oldest first.</summary>
public static class AttemptLog
{
    public const int MaxEntries = 20;

    /// <summary>The longest error text an entry keeps (the task's <c>last_error</c> keeps more).</summary>
    public const int MaxErrorLength = 256;

    /// <summary>The log with <paramref name="entry"/> appended (its error cut to size), the oldest dropped past <see cref="MaxEntries"/>.</summary>
    public static IReadOnlyList<TaskAttempt> Append(IReadOnlyList<TaskAttempt> log, TaskAttempt entry)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(entry);
        var cut = entry.Error is { Length: > MaxErrorLength } error ? entry with { Error = string.Concat(error.AsSpan(0, MaxErrorLength - 1), "…") } : entry;
        return [.. log.Skip(Math.Max(0, log.Count + 1 - MaxEntries)), cut];
    }
}
