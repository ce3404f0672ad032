using System.Globalization;

namespace Functions.Tasks.Recurring;

/// <summary>
/// <c>cron(minutes hours day-of-month month day-of-week year)</c> in EventBridge's dialect: six fields, all required;
/// <c>, - * /</c> everywhere; day-of-month also <c>? L LW nW</c>; month 1-12 or JAN-DEC; day-of-week 1-7 (1 = SUN) or
/// SUN-SAT, also <c>? L nL n#k</c>; year 1970-2199; exactly one of the two day fields is <c>?</c>. It matches wall-clock
/// minutes of a calendar; the schedule's time zone turns them into instants.
/// </summary>
public sealed record CronExpression : ScheduleExpression
{
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private CronExpression(string text) => Text = text;

    /// <summary>The expression as written, <c>cron(...)</c>.</summary>
    public string Text { get; }

    private bool[] MinuteSet { get; init; } = [];
    private bool[] HourSet { get; init; } = [];
    private bool[] MonthSet { get; init; } = [];
    private bool[] YearSet { get; init; } = [];
    private DayRule DayOfMonth { get; init; } = DayRule.Unspecified;
    private DayRule DayOfWeek { get; init; } = DayRule.Unspecified;

    /// <summary>The wall-clock minutes of <paramref name="day"/> the expression matches, earliest first.</summary>
    public IEnumerable<TimeOnly> TimesOn(DateOnly day)
    {
        if (!Matches(day))
        {
            yield break;
        }

        for (var hour = 0; hour < 24; hour++)
        {
            if (!HourSet[hour])
            {
                continue;
            }

            for (var minute = 0; minute < 60; minute++)
            {
                if (MinuteSet[minute])
                {
                    yield return new TimeOnly(hour, minute);
                }
            }
        }
    }

    /// <summary>Whether the expression fires on <paramref name="day"/> at all (year, month and the day fields).</summary>
    public bool Matches(DateOnly day) =>
        day.Year is >= 1970 and <= 2199 && YearSet[day.Year - 1970] && MonthSet[day.Month]
        && (DayOfMonth.Kind == DayKind.Unspecified ? DayOfWeek.MatchesWeekday(day) : DayOfMonth.MatchesMonthDay(day));

    internal static CronExpression? Parse(string body, out string? error)
    {
        var fields = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            error = $"cron() takes six fields (minutes hours day-of-month month day-of-week year); this has {fields.Length}.";
            return null;
        }

        var minutes = Values(fields[0], "minutes", 0, 59, null, out error);
        var hours = error is null ? Values(fields[1], "hours", 0, 23, null, out error) : null;
        var months = error is null ? Values(fields[3], "month", 1, 12, Months, out error) : null;
        var years = error is null ? Values(fields[5], "year", 1970, 2199, null, out error) : null;
        var dayOfMonth = error is null ? MonthDay(fields[2], out error) : null;
        var dayOfWeek = error is null ? Weekday(fields[4], out error) : null;
        if (error is not null)
        {
            return null;
        }

        if ((dayOfMonth!.Kind == DayKind.Unspecified) == (dayOfWeek!.Kind == DayKind.Unspecified))
        {
            error = "exactly one of day-of-month and day-of-week must be '?'.";
            return null;
        }

        return new CronExpression($"cron({string.Join(' ', fields)})")
        {
            MinuteSet = minutes!,
            HourSet = hours!,
            MonthSet = months!,
            YearSet = [.. years!.Skip(1970)],
            DayOfMonth = dayOfMonth,
            DayOfWeek = dayOfWeek,
        };
    }

    private static DayRule? MonthDay(string field, out string? error)
    {
        error = null;
        switch (field)
        {
            case "?":
                return DayRule.Unspecified;
            case "L":
                return new DayRule(DayKind.LastDay, [], 0, 0);
            case "LW":
                return new DayRule(DayKind.LastWeekday, [], 0, 0);
        }

        if (field.EndsWith('W'))
        {
            if (!int.TryParse(field[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var day) || day is < 1 or > 31)
            {
                error = $"the day-of-month field's '{field}' needs a day 1-31 before W (e.g. 15W).";
                return null;
            }

            return new DayRule(DayKind.NearestWeekday, [], day, 0);
        }

        var set = Values(field, "day-of-month", 1, 31, null, out error);
        return set is null ? null : new DayRule(DayKind.Set, set, 0, 0);
    }

    private static DayRule? Weekday(string field, out string? error)
    {
        error = null;
        if (field == "?")
        {
            return DayRule.Unspecified;
        }

        if (field == "L")
        {
            // The last day of the week: Saturday.
            return new DayRule(DayKind.Set, [.. Enumerable.Range(0, 8).Select(d => d == 7)], 0, 0);
        }

        var hash = field.IndexOf('#', StringComparison.Ordinal);
        if (hash > 0)
        {
            var day = Single(field[..hash], "day-of-week", 1, 7, Days, out error);
            if (day is null)
            {
                return null;
            }

            if (!int.TryParse(field[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var nth) || nth is < 1 or > 5)
            {
                error = $"the day-of-week field's '{field}' needs 1-5 after # (the nth such day of the month).";
                return null;
            }

            return new DayRule(DayKind.NthWeekday, [], day.Value, nth);
        }

        if (field.Length > 1 && field.EndsWith('L'))
        {
            var day = Single(field[..^1], "day-of-week", 1, 7, Days, out error);
            return day is null ? null : new DayRule(DayKind.LastWeekdayOfMonth, [], day.Value, 0);
        }

        var set = Values(field, "day-of-week", 1, 7, Days, out error);
        return set is null ? null : new DayRule(DayKind.Set, set, 0, 0);
    }

    /// <summary>A field of <c>, - * /</c> over <paramref name="min"/>-<paramref name="max"/>: the values it takes.</summary>
    private static bool[]? Values(string field, string name, int min, int max, string[]? names, out string? error)
    {
        error = null;
        var set = new bool[max + 1];
        foreach (var item in field.Split(','))
        {
            var step = 1;
            var range = item;
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    error = $"the {name} field's '{item}' needs a whole number of at least 1 after '/'.";
                    return null;
                }

                range = item[..slash];
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else
            {
                var dash = range.IndexOf('-', StringComparison.Ordinal);
                var first = Single(dash > 0 ? range[..dash] : range, name, min, max, names, out error);
                var last = error is null && dash > 0 ? Single(range[(dash + 1)..], name, min, max, names, out error) : first;
                if (error is not null)
                {
                    return null;
                }

                from = first!.Value;
                to = slash >= 0 && dash < 0 ? max : last!.Value;
                if (to < from)
                {
                    error = $"the {name} field's range '{range}' runs backwards.";
                    return null;
                }
            }

            for (var value = from; value <= to; value += step)
            {
                set[value] = true;
            }
        }

        return set;
    }

    private static int? Single(string text, string name, int min, int max, string[]? names, out string? error)
    {
        error = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            if (value >= min && value <= max)
            {
                return value;
            }
        }
        else if (names is not null && Array.IndexOf(names, text.ToUpperInvariant()) is var index and >= 0)
        {
            return index + min;
        }

        error = text is "?" or "L" or "W" || text.Contains('#', StringComparison.Ordinal)
            ? $"the {name} field cannot use '{text}' here."
            : $"the {name} field's '{text}' is not {min}-{max}{(names is null ? string.Empty : $" or {names[0]}-{names[^1]}")}.";
        return null;
    }

    private enum DayKind
    {
        Unspecified,
        Set,
        LastDay,
        LastWeekday,
        NearestWeekday,
        LastWeekdayOfMonth,
        NthWeekday,
    }

    /// <summary>One of the two day fields: a set, or a rule relative to the month (AWS day-of-week numbers, 1 = SUN).</summary>
    private sealed record DayRule(DayKind Kind, bool[] Set, int Day, int Nth)
    {
        public static DayRule Unspecified { get; } = new(DayKind.Unspecified, [], 0, 0);

        public bool MatchesMonthDay(DateOnly day)
        {
            var last = DateTime.DaysInMonth(day.Year, day.Month);
            return Kind switch
            {
                DayKind.Set => Set[day.Day],
                DayKind.LastDay => day.Day == last,
                DayKind.LastWeekday => day.Day == Weekday(day.Year, day.Month, last, last),
                DayKind.NearestWeekday => day.Day == Weekday(day.Year, day.Month, Math.Min(Day, last), last),
                _ => false,
            };
        }

        public bool MatchesWeekday(DateOnly day)
        {
            var aws = (int)day.DayOfWeek + 1;
            return Kind switch
            {
                DayKind.Set => Set[aws],
                DayKind.LastWeekdayOfMonth => aws == Day && day.Day + 7 > DateTime.DaysInMonth(day.Year, day.Month),
                DayKind.NthWeekday => aws == Day && (day.Day - 1) / 7 + 1 == Nth,
                _ => false,
            };
        }

        /// <summary>The weekday (Mon-Fri) nearest to <paramref name="target"/> within its month.</summary>
        private static int Weekday(int year, int month, int target, int last) =>
            new DateOnly(year, month, target).DayOfWeek switch
            {
                System.DayOfWeek.Saturday => target == 1 ? 3 : target - 1,
                System.DayOfWeek.Sunday => target == last ? target - 2 : target + 1,
                _ => target,
            };
    }
}
