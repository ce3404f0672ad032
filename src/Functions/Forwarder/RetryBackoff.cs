using Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Functions.Forwarder;

/// <summary>
/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
/// a uniform random delay in [0, min(cap, base * 2^(attempt-1))]; a target's Retry-After is honoured
/// within the cap. The wait is a new wake-up, never a sleeping Lambda.
/// </summary>
public sealed class RetryBackoff(TimeSpan baseDelay, TimeSpan cap)
{
    public const string BaseSetting = "RETRY_BASE_SECONDS";
    public const string CapSetting = "RETRY_CAP_SECONDS";

    public TimeSpan Base => baseDelay;

    public TimeSpan Cap => cap;

    public static RetryBackoff From(IConfiguration configuration)
    {
        static TimeSpan Read(IConfiguration configuration, string name, int fallback)
        {
            var text = configuration[name];
            if (string.IsNullOrWhiteSpace(text))
            {
                return TimeSpan.FromSeconds(fallback);
            }

            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 86400
                ? TimeSpan.FromSeconds(seconds)
                : throw new SettingsException(name, $"{name} must be whole seconds from 1 to 86400, not '{text}'.");
        }

        return new RetryBackoff(Read(configuration, BaseSetting, 30), Read(configuration, CapSetting, 3600));
    }

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
