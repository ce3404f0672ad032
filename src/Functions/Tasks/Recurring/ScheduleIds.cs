using System.Security.Cryptography;
using System.Text;

namespace Functions.Tasks.Recurring;

/// <summary>
/// Schedule ids are task-shaped (UUIDv7, 32 lower-case hex digits). A run's task id follows from its schedule and
/// its occurrence alone, so every wake-up for one occurrence names the same task, and the store's create-if-absent
/// lets only one of them make it: at most one run per occurrence.
/// </summary>
public static class ScheduleIds
{
    public static string New() => TaskIds.New();

    /// <summary>
    /// The run of <paramref name="scheduleId"/> for <paramref name="occurrence"/>: UUIDv7-shaped (the occurrence's
    /// Unix milliseconds first, so runs sort by occurrence), the rest from SHA-256 of the pair (the last digits, which
    /// place a task in a shard, are as evenly spread as a random id's).
    /// </summary>
    public static string RunId(string scheduleId, DateTimeOffset occurrence)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes($"{scheduleId}@{Timestamps.Format(occurrence)}"), hash);
        Span<byte> id = stackalloc byte[16];
        var millis = occurrence.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            id[i] = (byte)(millis >> (8 * (5 - i)));
        }

        hash[..10].CopyTo(id[6..]);
        id[6] = (byte)(0x70 | (id[6] & 0x0F));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return Convert.ToHexStringLower(id);
    }
}
