using System.Text;
using Amazon.DynamoDBv2.Model;

namespace Functions.TaskStore;

/// <summary>
/// The cursor of a listing that reads one index partition (a schedule's runs, a caller's schedules): the last key
/// read, tied to its listing, as opaque base64 text. A cursor of another listing, or not one of ours, is refused.
/// </summary>
internal static class PartitionCursor
{
    public static string Encode(Dictionary<string, AttributeValue> last, string listing, string partitionAttribute, string sortAttribute) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n', listing, last[TaskTableSchema.PartitionKey].S, last[partitionAttribute].S, last[sortAttribute].S)));

    public static Dictionary<string, AttributeValue>? Decode(string? cursor, string listing, string partitionAttribute, string sortAttribute)
    {
        if (cursor is null)
        {
            return null;
        }

        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('\n');
        }
        catch (FormatException)
        {
            parts = [];
        }

        return parts.Length == 4 && parts[0] == listing
            ? new Dictionary<string, AttributeValue>
            {
                [TaskTableSchema.PartitionKey] = TaskItems.S(parts[1]),
                [partitionAttribute] = TaskItems.S(parts[2]),
                [sortAttribute] = TaskItems.S(parts[3]),
            }
            : throw new FormatException("cursor is not one this API gave out for this listing.");
    }
}
