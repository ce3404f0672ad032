using Functions.Tasks.Recurring;
using Functions.Tasks.Requests;

namespace Functions.UnitTests.Tasks;

/// <summary>EventBridge Scheduler's expression grammar (issue 11): what it accepts, what it refuses and why, and which days and minutes a cron matches.</summary>
public sealed class ScheduleExpressionTests
{
    [Theory]
    [InlineData("rate(1 minute)", 1)]
    [InlineData("rate(15 minutes)", 15)]
    [InlineData("rate(2 hours)", 120)]
    [InlineData("rate(1 day)", 1440)]
    public void ARate_IsAFixedDuration(string text, int minutes)
    {
        Assert.True(ScheduleExpression.TryParse(text, out var expression, out var error), error);

        Assert.Equal(TimeSpan.FromMinutes(minutes), Assert.IsType<RateExpression>(expression).Every);
    }

    /// <summary>Every refusal the grammar makes, with what its message must say.</summary>
    public static TheoryData<string, string> Refusals => new()
    {
        { "rate(1 minutes)", "singular" },
        { "rate(5 minute)", "plural" },
        { "rate(0 minutes)", "at least 1" },
        { "rate(30 seconds)", "'seconds'" },
        { "rate(5)", "unit" },
        { "every 5 minutes", "rate(value unit) or cron(" },
        { "", "rate(value unit) or cron(" },
        { "cron(0 9 ? * MON-FRI)", "six fields" },
        { "cron(0 9 * * MON-FRI *)", "exactly one of day-of-month and day-of-week" },
        { "cron(0 9 ? * ? *)", "exactly one of day-of-month and day-of-week" },
        { "cron(60 9 ? * MON *)", "minutes field's '60' is not 0-59" },
        { "cron(0 24 ? * MON *)", "hours field's '24'" },
        { "cron(0 9 32 * ? *)", "day-of-month field's '32'" },
        { "cron(0 9 ? 13 MON *)", "month field's '13' is not 1-12 or JAN-DEC" },
        { "cron(0 9 ? * 0 *)", "day-of-week field's '0' is not 1-7 or SUN-SAT" },
        { "cron(0 9 ? * 3#6 *)", "1-5 after #" },
        { "cron(0 9 ? * MON 2200)", "year field's '2200' is not 1970-2199" },
        { "cron(0 9 ? * MON 1969)", "year field's '1969'" },
        { "cron(0/0 9 ? * MON *)", "at least 1 after '/'" },
        { "cron(0 17-9 ? * MON *)", "runs backwards" },
        { "cron(0 9 ? * MON L)", "cannot use 'L'" },
        { "cron(0 9 40W * ? *)", "day 1-31 before W" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AnythingElse_IsRefused_SayingWhatIsWrong(string text, string problem)
    {
        Assert.False(ScheduleExpression.TryParse(text, out var expression, out var error));

        Assert.Null(expression);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EveryRefusal_IsABadRequestNamingScheduleExpression_ForACreateAndAPreview(string text, string problem)
    {
        var validator = new RecurringRequestValidator(new ScheduleRequestValidator(TargetPolicy.FromSetting(null)));

        var (created, createErrors) = validator.Validate(new RecurringScheduleRequest { ScheduleExpression = text, Url = "https://example.com/hook" }, "https://api.example.com/cb");
        var (previewed, _, previewErrors) = validator.ValidatePreview(text, null, null, null);

        Assert.Null(created);
        Assert.Null(previewed);
        Assert.Equal(["schedule_expression"], createErrors.Keys);
        Assert.Contains(problem, Assert.Single(createErrors["schedule_expression"]), StringComparison.Ordinal);
        Assert.Equal(createErrors["schedule_expression"], previewErrors["schedule_expression"]);
    }

    [Theory]
    // Weekdays at nine: Monday 2026-11-30 yes, Saturday 2026-12-05 no.
    [InlineData("cron(0 9 ? * MON-FRI *)", "2026-11-30", "09:00")]
    [InlineData("cron(0 9 ? * MON-FRI *)", "2026-12-05", "")]
    [InlineData("cron(0 9 ? * mon-fri *)", "2026-12-04", "09:00")]
    // 1 = SUN: 2-6 is Monday to Friday as well.
    [InlineData("cron(30 8 ? * 2-6 *)", "2026-12-01", "08:30")]
    // 3#2 is the second Tuesday (AWS numbers SUN = 1), not Cronos's second Wednesday: December 2026's is the 8th.
    [InlineData("cron(0 10 ? * 3#2 *)", "2026-12-08", "10:00")]
    [InlineData("cron(0 10 ? * 3#2 *)", "2026-12-01", "")]
    [InlineData("cron(0 10 ? * 3#2 *)", "2026-12-09", "")]
    // The last Friday of December 2026 is the 25th.
    [InlineData("cron(0 0 ? * 6L *)", "2026-12-25", "00:00")]
    [InlineData("cron(0 0 ? * 6L *)", "2026-12-18", "")]
    // L: the month's last day, leap years included.
    [InlineData("cron(0 0 L * ? *)", "2027-02-28", "00:00")]
    [InlineData("cron(0 0 L * ? *)", "2028-02-28", "")]
    [InlineData("cron(0 0 L * ? *)", "2028-02-29", "00:00")]
    // nW: the weekday nearest the nth, within the month. 2026-08-15 is a Saturday: Friday the 14th.
    [InlineData("cron(0 0 15W * ? *)", "2026-08-14", "00:00")]
    [InlineData("cron(0 0 15W * ? *)", "2026-08-15", "")]
    // 2026-08-01 is a Saturday: not back into July, but Monday the 3rd.
    [InlineData("cron(0 0 1W * ? *)", "2026-08-03", "00:00")]
    // LW: the month's last weekday. 2027-01-31 is a Sunday: Friday the 29th.
    [InlineData("cron(0 0 LW * ? *)", "2027-01-29", "00:00")]
    [InlineData("cron(0 0 LW * ? *)", "2027-01-31", "")]
    // Steps and lists; years.
    [InlineData("cron(*/20 9,17 ? * * *)", "2026-12-02", "09:00 09:20 09:40 17:00 17:20 17:40")]
    [InlineData("cron(5/25 1 ? * * *)", "2026-12-02", "01:05 01:30 01:55")]
    [InlineData("cron(0 0 1 JAN ? 2027-2028)", "2027-01-01", "00:00")]
    [InlineData("cron(0 0 1 JAN ? 2027-2028)", "2029-01-01", "")]
    public void ACron_MatchesTheWallClockMinutesOfItsDays(string text, string day, string times)
    {
        Assert.True(ScheduleExpression.TryParse(text, out var expression, out var error), error);
        var cron = Assert.IsType<CronExpression>(expression);

        var matched = cron.TimesOn(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)).Select(t => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(times, string.Join(' ', matched));
    }
}
