using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.Tasks;
using Functions.Tasks.Callers;
using static Functions.TaskStore.TaskItems;

namespace Functions.TaskStore;

/// <summary>
/// API keys (<c>apikey#{key_id}</c>, hashed) and callers' secret generations (<c>caller#{name}</c>) in the tasks
/// table. Keys are listed through by-caller under <see cref="TaskTableSchema.KeyListing"/>, so listing them is a Query.
/// </summary>
public sealed class DynamoCallerStore(IAmazonDynamoDB dynamoDb, TaskStoreSettings table) : IApiKeyStore, ICallerSecretStore
{
    public const string KeyPrefix = "apikey#";
    public const string CallerPrefix = "caller#";

    public Task CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return dynamoDb.PutItemAsync(
            new PutItemRequest
            {
                TableName = table.TableName,
                Item = new Dictionary<string, AttributeValue>
                {
                    [TaskTableSchema.PartitionKey] = S(KeyPrefix + key.KeyId),
                    [TaskTableSchema.CallerShard] = S(TaskTableSchema.KeyListing),
                    [TaskTableSchema.CreatedAt] = S(Timestamps.Format(key.CreatedAt)),
                    ["key_id"] = S(key.KeyId),
                    ["caller"] = S(key.Caller),
                    ["is_admin"] = new AttributeValue { BOOL = key.IsAdmin },
                    ["key_hash"] = S(key.Hash),
                },
                ConditionExpression = "attribute_not_exists(pk)",
            },
            cancellationToken);
    }

    public async Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = table.TableName, Key = Key(KeyPrefix + keyId), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FromKeyItem(item) : null;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamoDb.QueryAsync(
                new QueryRequest
                {
                    TableName = table.TableName,
                    IndexName = TaskTableSchema.CallerIndex,
                    KeyConditionExpression = $"{TaskTableSchema.CallerShard} = :keys",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":keys"] = S(TaskTableSchema.KeyListing) },
                    ScanIndexForward = false,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            keys.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        var records = new List<ApiKeyRecord>();
        foreach (var chunk in keys.Select(k => k[TaskTableSchema.PartitionKey].S).Chunk(100))
        {
            // Keys DynamoDB leaves unprocessed (throttling) are asked again: a live key must never be missing here.
            var pending = new KeysAndAttributes { Keys = [.. chunk.Select(Key)] };
            for (var attempt = 0; pending.Keys.Count > 0; attempt++)
            {
                var response = await dynamoDb.BatchGetItemAsync(
                    new BatchGetItemRequest { RequestItems = new Dictionary<string, KeysAndAttributes> { [table.TableName] = pending } },
                    cancellationToken).ConfigureAwait(false);
                records.AddRange((response.Responses?.GetValueOrDefault(table.TableName) ?? []).Select(FromKeyItem));
                pending = response.UnprocessedKeys?.GetValueOrDefault(table.TableName) ?? new KeysAndAttributes { Keys = [] };
                if (pending.Keys.Count > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(25 << Math.Min(attempt, 6)), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return [.. records.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.KeyId, StringComparer.Ordinal)];
    }

    public async Task<ApiKeyRecord?> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamoDb.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = table.TableName,
                    Key = Key(KeyPrefix + keyId),
                    UpdateExpression = "SET revoked_at = if_not_exists(revoked_at, :at)",
                    ConditionExpression = "attribute_exists(pk)",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":at"] = S(Timestamps.Format(at)) },
                    ReturnValues = ReturnValue.ALL_NEW,
                },
                cancellationToken).ConfigureAwait(false);
            return FromKeyItem(response.Attributes);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    public async Task MarkUsedAsync(string keyId, DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = table.TableName,
                    Key = Key(KeyPrefix + keyId),
                    UpdateExpression = "SET last_used_on = :day",
                    ConditionExpression = "attribute_exists(pk)",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":day"] = S(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Deleted meanwhile: nothing to record.
        }
    }

    public async Task<SecretGenerations> GetAsync(string caller, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = table.TableName, Key = Key(CallerPrefix + caller), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FromCallerItem(item) : SecretGenerations.Initial;
    }

    public async Task<SecretGenerations> RotateAsync(string caller, DateTimeOffset previousUntil, CancellationToken cancellationToken)
    {
        // One update: the current generation becomes the previous (a generation in its grace is dropped), the next one current.
        var response = await dynamoDb.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = table.TableName,
                Key = Key(CallerPrefix + caller),
                UpdateExpression = "SET previous_generation = if_not_exists(generation, :one), generation = if_not_exists(generation, :one) + :one, previous_until = :until",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":one"] = N(1), [":until"] = S(Timestamps.Format(previousUntil)) },
                ReturnValues = ReturnValue.ALL_NEW,
            },
            cancellationToken).ConfigureAwait(false);
        return FromCallerItem(response.Attributes);
    }

    private static ApiKeyRecord FromKeyItem(Dictionary<string, AttributeValue> item) => new()
    {
        KeyId = item["key_id"].S,
        Caller = item["caller"].S,
        IsAdmin = item.TryGetValue("is_admin", out var admin) && admin.BOOL == true,
        Hash = item["key_hash"].S,
        CreatedAt = Timestamps.Parse(item[TaskTableSchema.CreatedAt].S),
        LastUsedOn = item.TryGetValue("last_used_on", out var used) ? DateOnly.ParseExact(used.S, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        RevokedAt = item.TryGetValue("revoked_at", out var revoked) ? Timestamps.Parse(revoked.S) : null,
    };

    private static SecretGenerations FromCallerItem(Dictionary<string, AttributeValue> item) => new(
        int.Parse(item["generation"].N, CultureInfo.InvariantCulture),
        item.TryGetValue("previous_generation", out var previous) ? int.Parse(previous.N, CultureInfo.InvariantCulture) : null,
        item.TryGetValue("previous_until", out var until) ? Timestamps.Parse(until.S) : null);
}
