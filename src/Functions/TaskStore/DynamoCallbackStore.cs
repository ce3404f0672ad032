using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.Callbacks;
using Functions.Tasks;

namespace Functions.TaskStore;

/// <summary>The callback records in the tasks table, under <c>callback#</c> keys (the only ones callbacks may write).</summary>
public sealed class DynamoCallbackStore(IAmazonDynamoDB dynamoDb, TaskStoreSettings table, TimeProvider time) : ICallbackStore
{
    public const string KeyPrefix = "callback#";

    /// <summary>How long a webhook-id is remembered: well past the sender's retry horizon (its backoff cap).</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromDays(7);

    /// <summary>Records the delivery and its effect; false when this webhook-id was processed before.</summary>
    public async Task<bool> RecordOnceAsync(string webhookId, string kind, string payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var received = Timestamps.Format(now);
        try
        {
            await dynamoDb.TransactWriteItemsAsync(
                new TransactWriteItemsRequest
                {
                    TransactItems =
                    [
                        new TransactWriteItem
                        {
                            Put = new Put
                            {
                                TableName = table.TableName,
                                Item = new Dictionary<string, AttributeValue>
                                {
                                    [TaskTableSchema.PartitionKey] = new($"{KeyPrefix}webhook#{webhookId}"),
                                    ["kind"] = new(kind),
                                    ["received_at"] = new(received),
                                    [TaskTableSchema.ExpiresAt] = TaskItems.N((now + ReplayWindow).ToUnixTimeSeconds()),
                                },
                                ConditionExpression = "attribute_not_exists(pk)",
                            },
                        },
                        new TransactWriteItem
                        {
                            Put = new Put
                            {
                                TableName = table.TableName,
                                Item = new Dictionary<string, AttributeValue>
                                {
                                    [TaskTableSchema.PartitionKey] = new($"{KeyPrefix}effect#{kind}#{webhookId}"),
                                    ["kind"] = new(kind),
                                    ["webhook_id"] = new(webhookId),
                                    ["payload"] = new(payload),
                                    ["received_at"] = new(received),
                                    [TaskTableSchema.ExpiresAt] = TaskItems.N((now + table.Retention).ToUnixTimeSeconds()),
                                },
                            },
                        },
                    ],
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionCanceledException ex) when (ex.CancellationReasons is { Count: > 0 } reasons && reasons[0].Code == "ConditionalCheckFailed")
        {
            return false;
        }
    }
}
