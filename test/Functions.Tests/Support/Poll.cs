namespace Functions.Tests.Support;

/// <summary>
/// Waiting for a condition in the process tier, where a real runner or process does the work on the real clock:
/// polls the condition and fails with the given reason when it does not hold in time (never a bare sleep).
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        for (var deadline = DateTime.UtcNow + timeout; ; await Task.Delay(Interval))
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}.");
            }
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Until the wall clock has passed <paramref name="moment"/> (what a test of real time must wait for).</summary>
    public static Task PastAsync(DateTimeOffset moment) =>
        UntilAsync(() => DateTimeOffset.UtcNow > moment, moment - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5), $"the clock passing {moment:O}");
}
