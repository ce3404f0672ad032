using Amazon.DynamoDBv2.Model;
using Functions.Tasks;
using Functions.TaskStore;
using Functions.Tests.Support;

namespace Functions.Tests.Integration;

/// <summary>
/// The spread docs/capacity.md claims, checked on items the store wrote: after a load of tasks from one caller and
/// from a hundred, no partition of any index holds more than the share that keeps it under half of a partition's
/// write limit at the design rates (5,000 new and 5,000 finished tasks a second).
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class CapacityTests(MotoServer moto)
{
    /// <summary>Half of DynamoDB's 1,000 write units a second per partition.</summary>
    private const double HalfPartitionWrites = 500;

    /// <summary>by-caller takes a write when a task is created and when it ends (its outcome): 10,000 a second from one caller.</summary>
    private const double CallerIndexWritesPerSecond = 5_000 + 5_000;

    /// <summary>by-run takes a write when a task is created (a retry's new run_at moves it; retries are a fraction).</summary>
    private const double RunIndexWritesPerSecond = 5_000;

    [Fact]
    public async Task OneCallersTasks_AndAHundredCallers_SpreadOverTheIndexShards_WithinTheModelsShare()
    {
        using var dynamoDb = moto.DynamoDb();
        var table = "capacity-" + Guid.NewGuid().ToString("N")[..12];
        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, table, CancellationToken.None);
        var store = new DynamoTaskStore(dynamoDb, new TaskStoreSettings(table, TimeSpan.FromDays(30)), TimeProvider.System);
        var callers = Enumerable.Range(0, 100).Select(i => $"caller-{i}").Prepend("one").ToList();
        var work = Enumerable.Range(0, 1_600).Select(_ => "one").Concat(Enumerable.Range(0, 1_600).Select(i => callers[1 + (i % 100)])).ToList();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (caller, ct) =>
            await store.CreateAsync(Task(caller), null, ct));

        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamoDb.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start });
            items.AddRange(page.Items);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        Assert.Equal(work.Count, items.Count);
        var oneCaller = items.Where(i => i["caller"].S == "one").ToList();
        var byCaller = oneCaller.GroupBy(i => i[TaskTableSchema.CallerShard].S).ToDictionary(g => g.Key, g => g.Count());
        var byRun = items.GroupBy(i => i[TaskTableSchema.RunShard].S).ToDictionary(g => g.Key, g => g.Count());
        var manyCallers = items.Where(i => i["caller"].S != "one").GroupBy(i => i[TaskTableSchema.CallerShard].S).Max(g => g.Count());

        // The share of the writes the busiest partition may take at the design rate and stay under half the limit.
        var callerShareAllowed = HalfPartitionWrites / CallerIndexWritesPerSecond;
        var runShareAllowed = HalfPartitionWrites / RunIndexWritesPerSecond;
        Assert.Equal(TaskTableSchema.Shards, byCaller.Count);
        Assert.Equal(TaskTableSchema.Shards, byRun.Count);
        Assert.True(byCaller.Values.Max() <= callerShareAllowed * oneCaller.Count, $"one caller's busiest by-caller shard holds {byCaller.Values.Max()} of {oneCaller.Count}; the model allows {callerShareAllowed:P1}");
        Assert.True(byRun.Values.Max() <= runShareAllowed * items.Count, $"the busiest by-run shard holds {byRun.Values.Max()} of {items.Count}; the model allows {runShareAllowed:P1}");
        Assert.True(manyCallers <= callerShareAllowed * (items.Count - oneCaller.Count), $"with a hundred callers the busiest by-caller partition holds {manyCallers}");
        Assert.Equal(items.Count, items.Select(i => i[TaskTableSchema.PartitionKey].S).Distinct().Count());
    }

    private static TaskRecord Task(string caller)
    {
        var now = DateTimeOffset.UtcNow;
        return new TaskRecord
        {
            TaskId = TaskIds.New(),
            Caller = caller,
            Status = TaskState.Pending,
            RunAt = now.AddMinutes(30),
            Url = "https://example.com/hook",
            Method = "POST",
            Headers = new Dictionary<string, string>(),
            Data = "{}",
            MaxAttempts = 3,
            TimeoutSeconds = 30,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
