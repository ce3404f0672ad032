using NodaTime;

namespace Functions.Tasks.Recurring;

/// <summary>
/// When a recurring schedule fires, as EventBridge Scheduler fires it: a cron's wall-clock minutes in the schedule's
/// IANA time zone (NodaTime's own TZDB, the same on every tier: provided.al2023 has shipped without the OS zone
/// database), where a minute that does not exist that day (spring forward) is skipped and one that occurs twice
/// (fall back) runs once, at its first instant; a rate's fixed durations from its anchor. Only times at or after
/// <c>start</c> and before <c>end</c> count, and only those strictly after <c>after</c>.
/// </summary>
public static class Occurrences
{
    private static readonly LocalDate LastDay = new(2199, 12, 31);

    /// <summary>The zone named <paramref name="id"/> (an IANA name, e.g. Asia/Seoul), or null when the TZDB has none.</summary>
    public static DateTimeZone? Zone(string? id) => id is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id);

    /// <summary>
    /// The next <paramref name="count"/> occurrences strictly after <paramref name="after"/>, in <paramref name="zone"/>.
    /// A rate counts from <paramref name="anchor"/> (its start, or when it was created).
    /// </summary>
    public static IReadOnlyList<ZonedDateTime> Next(ScheduleExpression expression, DateTimeZone zone, Instant anchor, Instant after, Instant? start, Instant? end, int count)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(zone);
        var found = new List<ZonedDateTime>(count);
        var from = start is { } s && s > after ? s - Duration.Epsilon : after;
        foreach (var instant in expression is CronExpression cron ? CronAfter(cron, zone, from) : RateAfter(((RateExpression)expression).Every, anchor, from))
        {
            if (found.Count == count || (end is { } e && instant >= e))
            {
                break;
            }

            found.Add(instant.InZone(zone));
        }

        return found;
    }

    private static IEnumerable<Instant> RateAfter(TimeSpan every, Instant anchor, Instant after)
    {
        var step = Duration.FromTimeSpan(every);
        var k = after < anchor ? 0 : (long)Math.Floor((after - anchor).TotalTicks / step.TotalTicks) + 1;
        for (var next = anchor + (step * k); ; next += step)
        {
            yield return next;
        }
    }

    private static IEnumerable<Instant> CronAfter(CronExpression cron, DateTimeZone zone, Instant after)
    {
        // The day before too: an earlier local date can hold a later instant only across a zone change, never more.
        for (var day = after.InZone(zone).Date.PlusDays(-1); day <= LastDay; day = day.PlusDays(1))
        {
            foreach (var time in cron.TimesOn(new DateOnly(day.Year, day.Month, day.Day)))
            {
                var mapping = zone.MapLocal(day + new LocalTime(time.Hour, time.Minute));
                if (mapping.Count == 0)
                {
                    continue;
                }

                var instant = mapping.First().ToInstant();
                if (instant > after)
                {
                    yield return instant;
                }
            }
        }
    }
}
