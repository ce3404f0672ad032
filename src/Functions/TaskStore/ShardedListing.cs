using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.Tasks;
using static Functions.TaskStore.TaskItems;

namespace Functions.TaskStore;

/// <summary>
/// A newest-first listing over an index split into <see cref="TaskTableSchema.Shards"/> shards: one Query per shard (in parallel, each from where the
/// cursor left it), merged by the sort key, then one BatchGetItem for the page's tasks (index entries hold keys only).
/// Only entries no unread entry can precede are taken, so a page never skips one; a page may be shorter than asked
/// when a filter drops entries, and the cursor then goes on.
/// </summary>
internal sealed class ShardedListing(IAmazonDynamoDB dynamoDb, string tableName)
{
    /// <summary>How many index entries one page reads at most per shard (a status filter may need several rounds).</summary>
    private const int Rounds = 4;

    public required string IndexName { get; init; }
    public required string ShardAttribute { get; init; }
    public required string SortAttribute { get; init; }

    /// <summary>The shard's partition value.</summary>
    public required Func<string, string> ShardValue { get; init; }

    /// <summary>A filter on projected attributes, with its values; null for none.</summary>
    public (string Expression, Dictionary<string, AttributeValue> Values)? Filter { get; init; }

    /// <summary>A check of the full task (e.g. its exact status); null keeps every task.</summary>
    public Func<TaskRecord, bool>? Keep { get; init; }

    private string[] CursorKeys => [TaskTableSchema.PartitionKey, ShardAttribute, SortAttribute];

    public async Task<TaskPage> PageAsync(string listing, int limit, string? cursorText, CancellationToken cancellationToken)
    {
        var cursor = cursorText is null ? new TaskCursor(listing, [], []) : TaskCursor.Decode(cursorText, listing, CursorKeys);
        if (cursor.Positions.Any(p => p.Value[ShardAttribute] != ShardValue(p.Key)))
        {
            throw new FormatException("cursor is not one this API gave out, or belongs to a listing with another filter.");
        }

        var positions = new Dictionary<string, Dictionary<string, string>>(cursor.Positions, StringComparer.Ordinal);
        var done = new HashSet<string>(cursor.Done, StringComparer.Ordinal);
        var tasks = new List<TaskRecord>();
        for (var round = 0; round < Rounds && tasks.Count < limit && done.Count < TaskTableSchema.Shards; round++)
        {
            var taken = await TakeAsync(limit - tasks.Count, positions, done, cancellationToken).ConfigureAwait(false);
            var records = await BatchReads.GetAsync(dynamoDb, tableName, taken, cancellationToken).ConfigureAwait(false);
            tasks.AddRange(Keep is null ? records : records.Where(Keep));
        }

        var next = done.Count < TaskTableSchema.Shards ? new TaskCursor(listing, positions, [.. done.Order(StringComparer.Ordinal)]).Encode() : null;
        return new TaskPage(tasks, next);
    }

    /// <summary>Reads every shard from its position and takes the newest <paramref name="count"/> entries that are safe to take.</summary>
    private async Task<List<string>> TakeAsync(int count, Dictionary<string, Dictionary<string, string>> positions, HashSet<string> done, CancellationToken cancellationToken)
    {
        var shards = ShardNames.Where(s => !done.Contains(s)).ToList();
        var results = await Task.WhenAll(shards.Select(s => QueryAsync(s, count, positions.GetValueOrDefault(s), cancellationToken))).ConfigureAwait(false);

        // An unread entry of a shard with more to read sorts below that shard's last evaluated key: anything at or above
        // the highest such key is safe to take now. (Each shard's returned entries sit at or above its own last key.)
        string? floor = null;
        foreach (var (_, _, last) in results)
        {
            if (last is not null && (floor is null || string.CompareOrdinal(last[SortAttribute].S, floor) > 0))
            {
                floor = last[SortAttribute].S;
            }
        }

        // A k-way merge that keeps each shard's own order (DynamoDB's order among equal sort keys is its own), so what
        // is taken from a shard is always a prefix of what it returned and its position never skips or repeats one.
        var next = new int[results.Length];
        var taken = new List<(string Shard, Dictionary<string, AttributeValue> Item)>(count);
        while (taken.Count < count)
        {
            var best = -1;
            for (var i = 0; i < results.Length; i++)
            {
                if (next[i] < results[i].Items.Count
                    && (floor is null || string.CompareOrdinal(results[i].Items[next[i]][SortAttribute].S, floor) >= 0)
                    && (best < 0 || string.CompareOrdinal(results[i].Items[next[i]][SortAttribute].S, results[best].Items[next[best]][SortAttribute].S) > 0))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            taken.Add((results[best].Shard, results[best].Items[next[best]]));
            next[best]++;
        }

        foreach (var (shard, items, last) in results)
        {
            var mine = taken.Where(t => t.Shard == shard).Select(t => t.Item).ToList();
            if (mine.Count > 0)
            {
                positions[shard] = CursorKeys.ToDictionary(k => k, k => mine[^1][k].S, StringComparer.Ordinal);
            }

            if (last is null && mine.Count == items.Count)
            {
                done.Add(shard);
                positions.Remove(shard);
            }
            else if (mine.Count == 0 && items.Count == 0 && last is not null)
            {
                // Everything read was filtered out: go on from where the read stopped.
                positions[shard] = CursorKeys.ToDictionary(k => k, k => last[k].S, StringComparer.Ordinal);
            }
        }

        return [.. taken.Select(t => t.Item[TaskTableSchema.PartitionKey].S)];
    }

    private async Task<(string Shard, List<Dictionary<string, AttributeValue>> Items, Dictionary<string, AttributeValue>? Last)> QueryAsync(
        string shard, int count, Dictionary<string, string>? position, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":shard"] = S(ShardValue(shard)) };
        if (Filter is { } filter)
        {
            foreach (var (name, value) in filter.Values)
            {
                values[name] = value;
            }
        }

        var response = await dynamoDb.QueryAsync(
            new QueryRequest
            {
                TableName = tableName,
                IndexName = IndexName,
                KeyConditionExpression = $"{ShardAttribute} = :shard",
                FilterExpression = Filter?.Expression,
                ExpressionAttributeValues = values,
                ScanIndexForward = false,
                Limit = count,
                ExclusiveStartKey = position?.ToDictionary(p => p.Key, p => S(p.Value)),
            },
            cancellationToken).ConfigureAwait(false);
        return (shard, response.Items ?? [], response.LastEvaluatedKey is { Count: > 0 } last ? last : null);
    }
}
