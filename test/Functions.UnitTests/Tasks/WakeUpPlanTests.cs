using Functions.Tasks.WakeUps;

namespace Functions.UnitTests.Tasks;

/// <summary>When and how a wake-up fires: the arithmetic behind second and minute precision.</summary>
public sealed class WakeUpPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, 250, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.5, 0)]
    [InlineData(1.0, 0)]
    [InlineData(1.3, 1)]
    [InlineData(5.0, 4)]
    [InlineData(5.9, 5)]
    [InlineData(900, 899)]
    public void AtSecondPrecision_AWakeUpWithinFifteenMinutes_RidesTheQueue_VisibleAFewTenthsToASecondEarly(double seconds, int delay) =>
        Assert.Equal(new WakeUpPlan.Queued(delay), WakeUpPlan.For(Now.AddSeconds(seconds), Now, DeliveryPrecision.Second));

    [Fact]
    public void AtSecondPrecision_AWakeUpInThePast_IsQueuedAtOnce() =>
        Assert.Equal(new WakeUpPlan.Queued(0), WakeUpPlan.For(Now.AddMinutes(-3), Now, DeliveryPrecision.Second));

    [Fact]
    public void AtSecondPrecision_ALaterWakeUp_GetsAScheduleTwoMinutesEarly_RoundedUpToTheSecond()
    {
        var wakeAt = Now.AddMinutes(30).AddMilliseconds(100);

        var plan = Assert.IsType<WakeUpPlan.Scheduled>(WakeUpPlan.For(wakeAt, Now, DeliveryPrecision.Second));

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 28, 1, TimeSpan.Zero), plan.FireAt);
        Assert.InRange(wakeAt - plan.FireAt, WakeUpPlan.ScheduleLead - TimeSpan.FromSeconds(1), WakeUpPlan.ScheduleLead);
    }

    [Fact]
    public void AtSecondPrecision_JustPastTheQueueLimit_TheScheduleStillFiresBeforeTheTime()
    {
        var plan = Assert.IsType<WakeUpPlan.Scheduled>(WakeUpPlan.For(Now.AddSeconds(901), Now, DeliveryPrecision.Second));

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 13, 2, TimeSpan.Zero), plan.FireAt);
    }

    [Fact]
    public void AtMinutePrecision_TheScheduleFiresAtTheTimeItself_NeverBefore()
    {
        var plan = Assert.IsType<WakeUpPlan.Scheduled>(WakeUpPlan.For(Now.AddSeconds(90), Now, DeliveryPrecision.Minute));

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 1, 31, TimeSpan.Zero), plan.FireAt);
        Assert.True(plan.FireAt >= Now.AddSeconds(90));
    }

    [Fact]
    public void AScheduleIsNeverAskedForATimeScheduleWouldRefuseAsPast()
    {
        var plan = Assert.IsType<WakeUpPlan.Scheduled>(WakeUpPlan.For(Now.AddSeconds(1), Now, DeliveryPrecision.Minute));

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 0, 3, TimeSpan.Zero), plan.FireAt);
        Assert.True(plan.FireAt >= Now + WakeUpPlan.MinimumScheduleLead);
    }

    [Fact]
    public void WakeUpNames_AreUniquePerWakeUp_AndFitSchedulersLimit()
    {
        var id = "0192d4e0a1b27c3d8e9f0a1b2c3d4e5f";
        var names = new[]
        {
            WakeUpNames.First(id),
            WakeUpNames.Retry(id, 2),
            WakeUpNames.Retry(id, 10),
            WakeUpNames.Rearm(id, 2, Now),
            WakeUpNames.Rearm(id, 2, Now.AddSeconds(1)),
        };

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.InRange(n.Length, 1, 64));
        Assert.Equal(WakeUpNames.First(id), WakeUpNames.Retry(id, 1));
    }

    [Fact]
    public void AWakeUpMessage_CarriesTheTaskId_AndSchedulersPlaceholdersUnescaped()
    {
        var json = new WakeUpMessage { TaskId = "abc", SchedulerAttempt = "<aws.scheduler.attempt-number>" }.ToJson();

        Assert.Equal("""{"task_id":"abc","scheduler_attempt":"<aws.scheduler.attempt-number>"}""", json);
    }
}
