using Amazon.DynamoDBv2.Model;

namespace Functions.TaskStore;

/// <summary>The sweeper's cursor within one by-run shard: the key to go on from (text, internal).</summary>
internal static class SweepCursor
{
    public static string Encode(Dictionary<string, AttributeValue> last) =>
        $"{last[TaskTableSchema.PartitionKey].S}|{last[TaskTableSchema.RunShard].S}|{last[TaskTableSchema.SweepAt].S}";

    public static Dictionary<string, AttributeValue>? Decode(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var parts = cursor.Split('|');
        return parts.Length == 3
            ? new Dictionary<string, AttributeValue>
            {
                [TaskTableSchema.PartitionKey] = TaskItems.S(parts[0]),
                [TaskTableSchema.RunShard] = TaskItems.S(parts[1]),
                [TaskTableSchema.SweepAt] = TaskItems.S(parts[2]),
            }
            : throw new FormatException("Not a sweep cursor.");
    }
}
