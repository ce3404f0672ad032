using System.Text.Json;
using Functions.Serialization;

namespace Functions.TaskStore;

/// <summary>
/// Where a listing stands in each of its index shards. Opaque to callers (base64url JSON): <see cref="Listing"/> names
/// the filter it was made for, <see cref="Positions"/> holds each shard's last key read, <see cref="Done"/> the shards
/// read to their end.
/// </summary>
public sealed record TaskCursor(string Listing, Dictionary<string, Dictionary<string, string>> Positions, List<string> Done)
{
    public string Encode() =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this, FunctionsJsonContext.Default.TaskCursor))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The cursor of the listing <paramref name="listing"/> over an index keyed by <paramref name="keys"/>; a
    /// <see cref="FormatException"/> for any other text.
    /// </summary>
    public static TaskCursor Decode(string text, string listing, IReadOnlyList<string> keys)
    {
        TaskCursor? cursor;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            cursor = JsonSerializer.Deserialize(Convert.FromBase64String(base64), FunctionsJsonContext.Default.TaskCursor);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new FormatException("cursor is not one this API gave out.", ex);
        }

        var shards = TaskItems.ShardNames.ToHashSet(StringComparer.Ordinal);
        if (cursor?.Positions is null || cursor.Done is null || cursor.Listing != listing
            || !cursor.Done.All(shards.Contains)
            || !cursor.Positions.All(p => shards.Contains(p.Key) && p.Value is not null && p.Value.Count == keys.Count
                && keys.All(k => p.Value.TryGetValue(k, out var v) && !string.IsNullOrEmpty(v))
                && p.Value[TaskTableSchema.PartitionKey].StartsWith(TaskItems.TaskPrefix, StringComparison.Ordinal)))
        {
            throw new FormatException("cursor is not one this API gave out, or belongs to a listing with another filter.");
        }

        return cursor;
    }
}
