using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.Tasks;
using static Functions.TaskStore.TaskItems;

namespace Functions.TaskStore;

/// <summary>Reads items by key in one BatchGetItem (up to 100, eventually consistent), retrying the keys DynamoDB leaves unprocessed.</summary>
internal static class BatchReads
{
    /// <summary>The tasks of <paramref name="keys"/> (partition keys), in that order; a task gone meanwhile is left out.</summary>
    public static Task<List<TaskRecord>> GetAsync(IAmazonDynamoDB dynamoDb, string tableName, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        GetAsync(dynamoDb, tableName, keys, FromItem, cancellationToken);

    /// <summary>The items of <paramref name="keys"/> as <paramref name="read"/> makes them, in that order; an item gone meanwhile is left out.</summary>
    public static async Task<List<T>> GetAsync<T>(IAmazonDynamoDB dynamoDb, string tableName, IReadOnlyList<string> keys, Func<Dictionary<string, AttributeValue>, T> read, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var found = new Dictionary<string, T>(StringComparer.Ordinal);
        var pending = new KeysAndAttributes { Keys = [.. keys.Distinct(StringComparer.Ordinal).Select(Key)] };
        for (var attempt = 0; pending.Keys.Count > 0; attempt++)
        {
            var response = await dynamoDb.BatchGetItemAsync(
                new BatchGetItemRequest { RequestItems = new Dictionary<string, KeysAndAttributes> { [tableName] = pending } },
                cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Responses?.GetValueOrDefault(tableName) ?? [])
            {
                found[item[TaskTableSchema.PartitionKey].S] = read(item);
            }

            if (response.UnprocessedKeys?.GetValueOrDefault(tableName) is not { Keys.Count: > 0 } unprocessed)
            {
                break;
            }

            if (attempt >= 8)
            {
                throw new InvalidOperationException($"DynamoDB left {unprocessed.Keys.Count} keys unprocessed after {attempt + 1} attempts.");
            }

            pending = unprocessed;
            await Task.Delay(TimeSpan.FromMilliseconds(25 << attempt), cancellationToken).ConfigureAwait(false);
        }

        return [.. keys.Where(found.ContainsKey).Select(k => found[k])];
    }
}
