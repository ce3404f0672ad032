using Amazon.DynamoDBv2.Model;

namespace Functions.TaskStore;

/// <summary>The sweeper's cursor over by-run: the shard being read (0-15) and the key to go on from (text, internal).</summary>
internal static class SweepCursor
{
    public static string Encode(int shard, Dictionary<string, AttributeValue>? last) =>
        last is null
            ? $"{shard}"
            : $"{shard}|{last[TaskTableSchema.PartitionKey].S}|{last[TaskTableSchema.RunShard].S}|{last[TaskTableSchema.SweepAt].S}";

    public static (int Shard, Dictionary<string, AttributeValue>? Start) Decode(string? cursor)
    {
        if (cursor is null)
        {
            return (0, null);
        }

        var parts = cursor.Split('|');
        if (!int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var shard) || shard is < 0 or >= TaskTableSchema.Shards || parts.Length is not (1 or 4))
        {
            throw new FormatException("Not a sweep cursor.");
        }

        return parts.Length == 1
            ? (shard, null)
            : (shard, new Dictionary<string, AttributeValue>
            {
                [TaskTableSchema.PartitionKey] = TaskItems.S(parts[1]),
                [TaskTableSchema.RunShard] = TaskItems.S(parts[2]),
                [TaskTableSchema.SweepAt] = TaskItems.S(parts[3]),
            });
    }
}
