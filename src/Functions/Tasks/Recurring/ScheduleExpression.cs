using System.Globalization;

namespace Functions.Tasks.Recurring;

/// <summary>
/// A recurring schedule's expression, exactly as EventBridge Scheduler accepts it (issue 11): <c>rate(value unit)</c>
/// or <c>cron(minutes hours day-of-month month day-of-week year)</c>. Parsed here, with a message saying what is
/// wrong for anything else; written by hand because no served .NET cron library reads this dialect as is (Cronos
/// rejects the year field and numbers weekdays from 0; Quartz rejects years past 2126).
/// </summary>
public abstract record ScheduleExpression
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryParse(string? text, out ScheduleExpression? expression, out string? error)
    {
        expression = null;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.StartsWith("rate(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            expression = RateExpression.Parse(trimmed[5..^1], out error);
        }
        else if (trimmed.StartsWith("cron(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            expression = CronExpression.Parse(trimmed[5..^1], out error);
        }
        else
        {
            error = "must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year).";
        }

        return expression is not null;
    }
}

/// <summary><c>rate(5 minutes)</c>: fixed durations from the schedule's start; nothing more often than once a minute.</summary>
public sealed record RateExpression(TimeSpan Every) : ScheduleExpression
{
    internal static RateExpression? Parse(string body, out string? error)
    {
        var parts = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            error = "rate(value unit) needs a whole number of at least 1 and a unit, e.g. rate(15 minutes).";
            return null;
        }

        var unit = parts[1];
        var singular = unit is "minute" or "hour" or "day";
        if (!singular && unit is not ("minutes" or "hours" or "days"))
        {
            error = $"the rate's unit '{unit}' is not minute(s), hour(s) or day(s).";
            return null;
        }

        if (singular != (value == 1))
        {
            error = value == 1 ? $"a rate of 1 takes the singular unit ('{unit.TrimEnd('s')}')." : $"a rate of {value} takes the plural unit ('{unit}s').";
            return null;
        }

        error = null;
        var step = unit[0] switch { 'm' => TimeSpan.FromMinutes(1), 'h' => TimeSpan.FromHours(1), _ => TimeSpan.FromDays(1) };
        return new RateExpression(step * value);
    }
}
