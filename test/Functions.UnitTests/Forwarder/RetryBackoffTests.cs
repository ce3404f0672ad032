using Functions.Forwarder;

namespace Functions.UnitTests.Forwarder;

/// <summary>Exponential backoff with full jitter: the ceiling doubles per attempt up to the cap; Retry-After is honoured within the cap.</summary>
public sealed class RetryBackoffTests
{
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(8, 3600)]
    [InlineData(40, 3600)]
    public void Next_AtTheTopOfTheJitter_IsTheCeilingOfThatAttempt(int attempt, int ceilingSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(ceilingSeconds), Backoff.Next(attempt, null, 1.0));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 60)]
    [InlineData(0.25, 30)]
    public void Next_IsTheJitterShareOfTheCeiling(double random, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Next(3, null, random));

    [Fact]
    public void Next_HonoursALongerRetryAfter() =>
        Assert.Equal(TimeSpan.FromSeconds(600), Backoff.Next(1, TimeSpan.FromSeconds(600), 0.5));

    [Fact]
    public void Next_KeepsItsOwnDelayWhenRetryAfterIsShorter() =>
        Assert.Equal(TimeSpan.FromSeconds(15), Backoff.Next(1, TimeSpan.FromSeconds(5), 0.5));

    [Fact]
    public void Next_CapsRetryAfterAtTheCap() =>
        Assert.Equal(TimeSpan.FromHours(1), Backoff.Next(1, TimeSpan.FromDays(2), 0.1));
}
