using Amazon.DynamoDBv2.Model;
using Functions.Tasks;
using Functions.TaskStore;
using Functions.Tests.Support;

namespace Functions.Tests.Integration;

/// <summary>The tasks table as the template declares it, created for real in moto_server.</summary>
[Collection(MotoGroup.Name)]
public sealed class TasksTableTests(MotoServer moto)
{
    [Fact]
    public async Task EnsureCreated_MakesTheTableWithItsIndexesAndTtl_AndIsIdempotent()
    {
        using var dynamoDb = moto.DynamoDb();
        var table = "tasks-" + Guid.NewGuid().ToString("N");

        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, table, CancellationToken.None);
        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, table, CancellationToken.None);

        var described = (await dynamoDb.DescribeTableAsync(table)).Table;
        Assert.Equal(TaskTableSchema.PartitionKey, Assert.Single(described.KeySchema).AttributeName);
        Assert.Equal(
            new[] { TaskTableSchema.CallerIndex, TaskTableSchema.RunIndex, TaskTableSchema.ScheduleIndex },
            described.GlobalSecondaryIndexes.Select(i => i.IndexName).Order(StringComparer.Ordinal));
        var ttl = (await dynamoDb.DescribeTimeToLiveAsync(table)).TimeToLiveDescription;
        Assert.Equal(TaskTableSchema.ExpiresAt, ttl.AttributeName);
        Assert.Equal("ENABLED", ttl.TimeToLiveStatus.Value);
    }

    [Fact]
    public async Task TheIndexes_HoldOnlyTaskItems_UnderTheirShards()
    {
        using var dynamoDb = moto.DynamoDb();
        var table = "tasks-" + Guid.NewGuid().ToString("N");
        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, table, CancellationToken.None);
        var store = new DynamoTaskStore(dynamoDb, new TaskStoreSettings(table, TimeSpan.FromDays(30)), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var task = new TaskRecord
        {
            TaskId = TaskIds.New(),
            Caller = "billing",
            Status = TaskState.Pending,
            RunAt = now,
            Url = "https://example.com/",
            Method = "POST",
            Headers = new Dictionary<string, string>(),
            Data = "{}",
            MaxAttempts = 3,
            TimeoutSeconds = 30,
            CreatedAt = now,
            UpdatedAt = now,
            IdempotencyKey = "k",
        };
        await store.CreateAsync(task, "fp", CancellationToken.None);

        var byCaller = await dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = table,
            IndexName = TaskTableSchema.CallerIndex,
            KeyConditionExpression = "caller_shard = :s",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = new(TaskItems.CallerShard("billing", task.TaskId)) },
        });
        var byRun = await dynamoDb.ScanAsync(new ScanRequest { TableName = table, IndexName = TaskTableSchema.RunIndex });

        Assert.Equal("task#" + task.TaskId, Assert.Single(byCaller.Items)[TaskTableSchema.PartitionKey].S);
        Assert.Equal("task#" + task.TaskId, Assert.Single(byRun.Items)[TaskTableSchema.PartitionKey].S);
        Assert.Equal(TaskItems.RunShard(task.TaskId), byRun.Items[0][TaskTableSchema.RunShard].S);
    }
}
