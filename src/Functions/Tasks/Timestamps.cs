using System.Globalization;

namespace Functions.Tasks;

/// <summary>
/// How every time of a task is written: ISO-8601 in UTC with exactly three fractional digits, so the text sorts as
/// the time does (the store's indexes and cursors rely on it) and the API shows the same form everywhere.
/// </summary>
public static class Timestamps
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads what <see cref="Format"/> wrote (and any ISO-8601 time; without an offset, UTC).</summary>
    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Whether two times are the same as <see cref="Format"/> writes them (to the millisecond): a time read back from text equals the one written.</summary>
    public static bool SameMillisecond(DateTimeOffset? a, DateTimeOffset b) => a is { } value && value.ToUnixTimeMilliseconds() == b.ToUnixTimeMilliseconds();

    /// <summary><paramref name="value"/> cut to whole milliseconds, as <see cref="Format"/> writes it.</summary>
    public static DateTimeOffset ToMillisecond(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).ToOffset(value.Offset);
}
