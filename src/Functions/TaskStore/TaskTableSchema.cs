using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Functions.TaskStore;

/// <summary>
/// The tasks table, owned here and nowhere else: serverless.template declares it from this definition
/// (Functions.Template), and the local runner and the tests create it from the same one.
/// One table, items told apart by a prefixed partition key (<c>task#…</c>, <c>schedule#…</c>, <c>idem#…</c>, <c>apikey#…</c>,
/// <c>caller#…</c>, callback records), so IAM can scope a function to its own items with dynamodb:LeadingKeys.
/// No index partition is hot at thousands of tasks a second (docs/capacity.md): every index key is sharded 32 ways by
/// random bits of the task id, index entries hold keys only (plus the final outcome on by-caller), and a status
/// change rewrites no index entry; only a task's end (by-caller's outcome) and a retry's new run_at (by-run) do.
/// </summary>
public static class TaskTableSchema
{
    public const string PartitionKey = "pk";

    /// <summary>ISO-8601 UTC creation time with fixed precision, so it sorts as text; by-caller's sort key.</summary>
    public const string CreatedAt = "created_at";

    /// <summary>Epoch seconds after which DynamoDB's TTL removes a finished item.</summary>
    public const string ExpiresAt = "expires_at";

    /// <summary><c>{caller}#{shard}</c> on task items: by-caller's partition key. Key items carry <see cref="KeyListing"/>.</summary>
    public const string CallerShard = "caller_shard";

    /// <summary><c>run#{shard}</c> on task items: by-run's partition key.</summary>
    public const string RunShard = "run_shard";

    /// <summary>When the sweeper looks at an unfinished task (run_at + 5 min, as text): by-run's sort key.</summary>
    public const string SweepAt = "sweep_at";

    /// <summary>The final status, set once when the task ends: projected into by-caller for counts and status filters.</summary>
    public const string Outcome = "outcome";

    /// <summary>One caller's tasks (or, under <see cref="KeyListing"/>, the API keys), newest first.</summary>
    public const string CallerIndex = "by-caller";

    /// <summary>Every caller's tasks by when the sweeper should look at them: the admin's all-callers list and the sweeper.</summary>
    public const string RunIndex = "by-run";

    /// <summary>On a schedule's run tasks only: the schedule's id, by-schedule's partition key (sparse: one-time tasks are not in it).</summary>
    public const string RunOf = "run_of";

    /// <summary>A recurring schedule's runs, newest first.</summary>
    public const string ScheduleIndex = "by-schedule";

    /// <summary>by-run's partition value for schedule items (no '#': no task shard equals it); the sweeper reads it for stalled chains.</summary>
    public const string ScheduleSweepListing = "schedules";

    /// <summary>by-caller's partition value for one caller's schedule items (no caller name holds '/', no task shard either).</summary>
    public static string ScheduleListing(string caller) => "schedules/" + caller;

    /// <summary>by-caller's partition value for API key items (no '#', so no caller's shard can equal it).</summary>
    public const string KeyListing = "apikeys";

    /// <summary>
    /// How many ways each index partition is split (<see cref="TaskItems.Shard"/>). 32 keeps one caller's by-caller
    /// shard under half a partition's write limit at 5,000 new and 5,000 finished tasks a second (docs/capacity.md).
    /// </summary>
    public const int Shards = 32;

    /// <summary>The table as the runner and the tests create it (on-demand, like the template's).</summary>
    public static CreateTableRequest CreateTableRequest(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(PartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(CallerShard, ScalarAttributeType.S),
            new AttributeDefinition(CreatedAt, ScalarAttributeType.S),
            new AttributeDefinition(RunShard, ScalarAttributeType.S),
            new AttributeDefinition(SweepAt, ScalarAttributeType.S),
            new AttributeDefinition(RunOf, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(PartitionKey, KeyType.HASH)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = CallerIndex,
                KeySchema = [new KeySchemaElement(CallerShard, KeyType.HASH), new KeySchemaElement(CreatedAt, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = [Outcome] },
            },
            new GlobalSecondaryIndex
            {
                IndexName = RunIndex,
                KeySchema = [new KeySchemaElement(RunShard, KeyType.HASH), new KeySchemaElement(SweepAt, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
            },
            new GlobalSecondaryIndex
            {
                IndexName = ScheduleIndex,
                KeySchema = [new KeySchemaElement(RunOf, KeyType.HASH), new KeySchemaElement(CreatedAt, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
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
