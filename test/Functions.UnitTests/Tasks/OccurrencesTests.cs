using Functions.Tasks.Recurring;
using NodaTime;
using NodaTime.Text;

namespace Functions.UnitTests.Tasks;

/// <summary>When a recurring schedule fires: time zones with daylight saving as EventBridge Scheduler applies it, rates, start and end.</summary>
public sealed class OccurrencesTests
{
    private static ScheduleExpression Parse(string text) =>
        ScheduleExpression.TryParse(text, out var expression, out var error) ? expression! : throw new ArgumentException(error);

    private static Instant At(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    private static string[] Next(string expression, string zone, string after, int count, string? start = null, string? end = null, string? anchor = null) =>
        [.. Occurrences.Next(Parse(expression), Occurrences.Zone(zone)!, At(anchor ?? after), At(after), start is null ? null : At(start), end is null ? null : At(end), count)
            .Select(z => OffsetDateTimePattern.Rfc3339.Format(z.ToOffsetDateTime()))];

    [Fact]
    public void SpringForward_SkipsTheMinuteThatDoesNotExistThatDay()
    {
        // New York, 2027-03-14: 02:00 EST becomes 03:00 EDT, so 02:30 does not happen that day.
        Assert.Equal(
            ["2027-03-13T02:30:00-05:00", "2027-03-15T02:30:00-04:00", "2027-03-16T02:30:00-04:00"],
            Next("cron(30 2 * * ? *)", "America/New_York", "2027-03-12T12:00:00Z", 3));
    }

    [Fact]
    public void FallBack_RunsARepeatedMinuteOnce_AtItsFirstInstant()
    {
        // New York, 2027-11-07: 02:00 EDT becomes 01:00 EST, so 01:30 happens twice; it runs at the first (EDT).
        Assert.Equal(
            ["2027-11-06T01:30:00-04:00", "2027-11-07T01:30:00-04:00", "2027-11-08T01:30:00-05:00"],
            Next("cron(30 1 * * ? *)", "America/New_York", "2027-11-05T12:00:00Z", 3));
    }

    [Fact]
    public void AZoneWithoutDaylightSaving_KeepsItsOffset_AndTheFirstRunIsStrictlyAfter()
    {
        // 2026-11-30T00:00Z is Monday 09:00 in Seoul: not strictly after, so the first run is Tuesday's.
        Assert.Equal(
            ["2026-12-01T09:00:00+09:00", "2026-12-02T09:00:00+09:00", "2026-12-03T09:00:00+09:00", "2026-12-04T09:00:00+09:00", "2026-12-07T09:00:00+09:00"],
            Next("cron(0 9 ? * MON-FRI *)", "Asia/Seoul", "2026-11-30T00:00:00Z", 5));
    }

    [Fact]
    public void ARate_CountsFixedDurations_FromItsAnchor_EvenAcrossAZoneChange()
    {
        Assert.Equal(
            ["2027-03-14T01:40:10-05:00", "2027-03-14T03:40:10-04:00", "2027-03-14T04:40:10-04:00"],
            Next("rate(1 hour)", "America/New_York", "2027-03-14T06:00:00Z", 3, anchor: "2027-03-14T05:40:10Z"));
    }

    [Fact]
    public void StartAndEnd_BoundTheRuns()
    {
        // From start_at on (at it included), and before end_at only.
        Assert.Equal(
            ["2026-12-10T00:00:00Z", "2026-12-11T00:00:00Z"],
            Next("cron(0 0 * * ? *)", "UTC", "2026-11-30T00:00:00Z", 5, start: "2026-12-10T00:00:00Z", end: "2026-12-12T00:00:00Z"));
        Assert.Equal(
            ["2026-12-10T00:00:00Z", "2026-12-10T00:15:00Z"],
            Next("rate(15 minutes)", "UTC", "2026-11-30T00:00:00Z", 2, start: "2026-12-10T00:00:00Z", anchor: "2026-12-10T00:00:00Z"));
    }

    [Fact]
    public void ACronWhoseYearsHavePassed_HasNoMoreRuns_AndAnUnknownZoneIsNone()
    {
        Assert.Empty(Next("cron(0 0 1 JAN ? 2020)", "UTC", "2026-11-30T00:00:00Z", 5));
        Assert.Null(Occurrences.Zone("Mars/Olympus_Mons"));
        Assert.NotNull(Occurrences.Zone("Asia/Seoul"));
    }
}
