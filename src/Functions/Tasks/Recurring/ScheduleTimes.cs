using NodaTime;
using NodaTime.Text;

namespace Functions.Tasks.Recurring;

/// <summary>A schedule's occurrences as <see cref="DateTimeOffset"/>s (its expression, zone, anchor, start and end; <see cref="Occurrences"/>).</summary>
public static class ScheduleTimes
{
    /// <summary>The next <paramref name="count"/> occurrences strictly after <paramref name="after"/>, each with its zone's offset.</summary>
    public static IReadOnlyList<DateTimeOffset> After(RecurringSchedule schedule, DateTimeOffset after, int count)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!ScheduleExpression.TryParse(schedule.Expression, out var expression, out var error))
        {
            throw new InvalidOperationException($"Schedule {schedule.ScheduleId} holds an expression that does not parse: {error}");
        }

        var zone = Occurrences.Zone(schedule.TimeZone) ?? throw new InvalidOperationException($"Schedule {schedule.ScheduleId} holds an unknown zone.");
        return After(expression!, zone, schedule.Anchor, schedule.StartAt, schedule.EndAt, after, count);
    }

    public static IReadOnlyList<DateTimeOffset> After(ScheduleExpression expression, DateTimeZone zone, DateTimeOffset anchor, DateTimeOffset? start, DateTimeOffset? end, DateTimeOffset after, int count) =>
        [.. Occurrences.Next(expression, zone, Instant.FromDateTimeOffset(anchor), Instant.FromDateTimeOffset(after), Of(start), Of(end), count)
            .Select(z => z.ToDateTimeOffset())];

    /// <summary>The first occurrence strictly after <paramref name="after"/>; null when none is left.</summary>
    public static DateTimeOffset? First(RecurringSchedule schedule, DateTimeOffset after) =>
        After(schedule, after, 1) is [var first] ? first : null;

    /// <summary>ISO-8601 with the offset the occurrence has in its zone, e.g. 2027-03-15T09:00:00-04:00.</summary>
    public static string Format(DateTimeOffset occurrence) => OffsetDateTimePattern.Rfc3339.Format(OffsetDateTime.FromDateTimeOffset(occurrence));

    /// <summary>The offset <paramref name="instant"/> has in <paramref name="zoneId"/>.</summary>
    public static DateTimeOffset InZone(DateTimeOffset instant, string zoneId) =>
        Occurrences.Zone(zoneId) is { } zone ? Instant.FromDateTimeOffset(instant).InZone(zone).ToDateTimeOffset() : instant;

    private static Instant? Of(DateTimeOffset? value) => value is { } v ? Instant.FromDateTimeOffset(v) : null;
}
