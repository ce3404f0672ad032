using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.Tasks;
using static Functions.TaskStore.TaskItems;

namespace Functions.TaskStore;

/// <summary>
/// Creates an item that must not exist yet (a task, a schedule), optionally together with the idempotency record of
/// its key, the one mechanism both stores use: without a key, a conditional put (an id that exists is "not created");
/// with one, a transaction of both, so that of concurrent requests with one key exactly one writes, and the others
/// get what the key names (waiting out a transaction still in flight).
/// </summary>
internal static class IdempotentCreates
{
    /// <param name="dynamoDb">The client.</param>
    /// <param name="tableName">The tasks table.</param>
    /// <param name="item">The new item.</param>
    /// <param name="itemId">Its id, returned when it exists already.</param>
    /// <param name="keyRecord">The key's record (its id under <paramref name="idAttribute"/>, the request's hash under <c>request_hash</c>), or null.</param>
    /// <param name="idAttribute">The key record's attribute that names the item.</param>
    /// <param name="time">The clock a wait for a transaction in flight runs on.</param>
    /// <param name="cancellationToken">The invocation's deadline.</param>
    public static async Task<CreateOutcome> PutAsync(
        IAmazonDynamoDB dynamoDb, string tableName, Dictionary<string, AttributeValue> item, string itemId,
        Dictionary<string, AttributeValue>? keyRecord, string idAttribute, TimeProvider time, CancellationToken cancellationToken)
    {
        const string IsNew = "attribute_not_exists(pk)";
        if (keyRecord is null)
        {
            try
            {
                await dynamoDb.PutItemAsync(new PutItemRequest { TableName = tableName, Item = item, ConditionExpression = IsNew }, cancellationToken).ConfigureAwait(false);
                return new CreateOutcome(true, null, null);
            }
            catch (ConditionalCheckFailedException)
            {
                return new CreateOutcome(false, itemId, null);
            }
        }

        // Concurrent requests with one key race here: exactly one transaction writes both items.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await dynamoDb.TransactWriteItemsAsync(
                    new TransactWriteItemsRequest
                    {
                        TransactItems =
                        [
                            new TransactWriteItem { Put = new Put { TableName = tableName, Item = keyRecord, ConditionExpression = IsNew, ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD } },
                            new TransactWriteItem { Put = new Put { TableName = tableName, Item = item, ConditionExpression = IsNew } },
                        ],
                    },
                    cancellationToken).ConfigureAwait(false);
                return new CreateOutcome(true, null, null);
            }
            catch (TransactionCanceledException ex)
            {
                var keyReason = ex.CancellationReasons is { Count: > 0 } ? ex.CancellationReasons[0] : null;
                if (keyReason?.Code == "ConditionalCheckFailed")
                {
                    var existing = keyReason.Item is { Count: > 0 } ? keyReason.Item : await ReadAsync(dynamoDb, tableName, keyRecord[TaskTableSchema.PartitionKey].S, cancellationToken).ConfigureAwait(false);
                    if (existing is not null)
                    {
                        return new CreateOutcome(false, existing[idAttribute].S, existing.TryGetValue("request_hash", out var hash) ? hash.S : null);
                    }
                }

                // TransactionConflict: another request with this key is mid-flight. Wait for it to land, then read it.
                if (attempt >= 5)
                {
                    throw;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20 * (attempt + 1)), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<Dictionary<string, AttributeValue>?> ReadAsync(IAmazonDynamoDB dynamoDb, string tableName, string partitionKey, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest { TableName = tableName, Key = Key(partitionKey), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } ? response.Item : null;
    }
}
