namespace Functions.Forwarder;

/// <summary>
/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
/// a uniform random delay in [0, min(cap, base * 2^(attempt-1))]; a target's Retry-After is honoured
/// within the cap. The wait is a new wake-up, never a sleeping Lambda.
/// </summary>
public sealed class RetryBackoff(TimeSpan baseDelay, TimeSpan cap)
{
    /// <summary>RETRY_BASE_SECONDS when unset.</summary>
    public static readonly TimeSpan DefaultBase = TimeSpan.FromSeconds(30);

    /// <summary>RETRY_CAP_SECONDS when unset.</summary>
    public static readonly TimeSpan DefaultCap = TimeSpan.FromHours(1);

    /// <param name="attempt">The attempt that just failed (1 for the first).</param>
    /// <param name="retryAfter">The target's Retry-After, if it gave one.</param>
    /// <param name="random">A uniform value in [0, 1).</param>
    public TimeSpan Next(int attempt, TimeSpan? retryAfter, double random)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ceiling = Math.Min(cap.TotalSeconds, baseDelay.TotalSeconds * Math.Pow(2, exponent));
        var delay = TimeSpan.FromSeconds(ceiling * random);
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < cap ? asked : cap;
        }

        return delay;
    }
}
