using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Functions.TaskStore;

/// <summary>
/// The tasks table, owned here and nowhere else: serverless.template declares it from this definition
/// (Functions.Template), and the local runner and the tests create it from the same one.
/// One table, items told apart by a prefixed partition key (<c>task#…</c>, and later idempotency and
/// delivery records), so IAM can scope a function to its own items with dynamodb:LeadingKeys.
/// </summary>
public static class TaskTableSchema
{
    public const string PartitionKey = "pk";

    /// <summary>Task status; the by-status index's partition key (sparse: only task items carry it).</summary>
    public const string Status = "status";

    /// <summary>ISO-8601 UTC creation time with fixed precision, so it sorts as text; the index's sort key.</summary>
    public const string CreatedAt = "created_at";

    /// <summary>Epoch seconds after which DynamoDB's TTL removes a finished item.</summary>
    public const string ExpiresAt = "expires_at";

    /// <summary>"task" on task items only: the by-created index's partition key (sparse like by-status).</summary>
    public const string Entity = "entity";

    /// <summary>Lists tasks of one status, newest first.</summary>
    public const string StatusIndex = "by-status";

    /// <summary>
    /// Lists all tasks, newest first. One partition ("task"): fine to a few hundred new tasks a second; past
    /// that, shard the partition key (task#0..N) and merge pages.
    /// </summary>
    public const string CreatedIndex = "by-created";

    /// <summary>The task fields a listing shows, projected so a page is one Query with no reads behind it.
    /// (The index keys, the table key and, on by-status, the status itself come with every projection.)</summary>
    public static readonly IReadOnlyList<string> StatusIndexProjection =
    [
        "task_id", "run_at", "url", "method", "attempts", "max_attempts",
        "last_status_code", "last_error", "updated_at", "schedule_arn",
    ];

    /// <summary>The table as the runner and the tests create it (on-demand, like the template's).</summary>
    public static CreateTableRequest CreateTableRequest(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(PartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(Status, ScalarAttributeType.S),
            new AttributeDefinition(CreatedAt, ScalarAttributeType.S),
            new AttributeDefinition(Entity, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(PartitionKey, KeyType.HASH)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = StatusIndex,
                KeySchema = [new KeySchemaElement(Status, KeyType.HASH), new KeySchemaElement(CreatedAt, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = [.. StatusIndexProjection] },
            },
            new GlobalSecondaryIndex
            {
                IndexName = CreatedIndex,
                KeySchema = [new KeySchemaElement(Entity, KeyType.HASH), new KeySchemaElement(CreatedAt, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = [.. StatusIndexProjection, Status] },
            },
        ],
    };

    /// <summary>Creates the table with its TTL setting when it does not exist (local runner, tests).</summary>
    public static async Task EnsureCreatedAsync(IAmazonDynamoDB dynamoDb, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.CreateTableAsync(CreateTableRequest(tableName), cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            return;
        }

        await dynamoDb.UpdateTimeToLiveAsync(
            new UpdateTimeToLiveRequest
            {
                TableName = tableName,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = ExpiresAt, Enabled = true },
            },
            cancellationToken).ConfigureAwait(false);
    }
}
