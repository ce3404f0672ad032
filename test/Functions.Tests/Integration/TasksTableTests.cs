using Amazon.DynamoDBv2.Model;
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
            new[] { TaskTableSchema.CreatedIndex, TaskTableSchema.StatusIndex },
            described.GlobalSecondaryIndexes.Select(i => i.IndexName).Order(StringComparer.Ordinal));
        var ttl = (await dynamoDb.DescribeTimeToLiveAsync(table)).TimeToLiveDescription;
        Assert.Equal(TaskTableSchema.ExpiresAt, ttl.AttributeName);
        Assert.Equal("ENABLED", ttl.TimeToLiveStatus.Value);
    }

    [Fact]
    public async Task StatusIndex_ListsOneStatusNewestFirst_AndLeavesOutItemsWithoutStatus()
    {
        using var dynamoDb = moto.DynamoDb();
        var table = "tasks-" + Guid.NewGuid().ToString("N");
        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, table, CancellationToken.None);
        foreach (var (id, status, created) in new[] { ("a", "scheduled", "2026-11-30T06:00:00.000Z"), ("b", "scheduled", "2026-11-30T06:00:02.000Z"), ("c", "failed", "2026-11-30T06:00:01.000Z") })
        {
            await dynamoDb.PutItemAsync(table, new Dictionary<string, AttributeValue>
            {
                [TaskTableSchema.PartitionKey] = new("task#" + id),
                [TaskTableSchema.Status] = new(status),
                [TaskTableSchema.CreatedAt] = new(created),
                ["task_id"] = new(id),
            });
        }

        await dynamoDb.PutItemAsync(table, new Dictionary<string, AttributeValue> { [TaskTableSchema.PartitionKey] = new("idem#k") });

        var page = await dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = table,
            IndexName = TaskTableSchema.StatusIndex,
            KeyConditionExpression = "#s = :s",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#s"] = TaskTableSchema.Status },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = new("scheduled") },
            ScanIndexForward = false,
        });

        Assert.Equal(["b", "a"], page.Items.Select(i => i["task_id"].S));
    }
}
