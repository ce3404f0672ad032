using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Recurring;
using static Functions.TaskStore.TaskItems;

namespace Functions.TaskStore;

/// <summary>
/// <see cref="IScheduleStore"/> on the tasks table. A schedule is one item, <c>schedule#{id}</c>: its keys, its
/// state and version as attributes (the version is every write's condition), the rest as one JSON document. It sits
/// in by-caller under <see cref="TaskTableSchema.ScheduleListing"/> (the caller's list) and, while enabled, in by-run
/// under <see cref="TaskTableSchema.ScheduleSweepListing"/> at its next occurrence plus five minutes, where the
/// sweeper finds a chain that stopped moving.
/// </summary>
public sealed class DynamoScheduleStore(IAmazonDynamoDB dynamoDb, TaskStoreSettings settings) : IScheduleStore
{
    public const string SchedulePrefix = "schedule#";

    public async Task<CreateOutcome> CreateAsync(RecurringSchedule schedule, string? fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var keyRecord = schedule.IdempotencyKey is not { } key ? null : new Dictionary<string, AttributeValue>
        {
            [TaskTableSchema.PartitionKey] = S(IdempotencyKeyOf(schedule.Caller, key)),
            ["schedule_id"] = S(schedule.ScheduleId),
            ["request_hash"] = S(fingerprint ?? string.Empty),
            [TaskTableSchema.CreatedAt] = S(Timestamps.Format(schedule.CreatedAt)),
        };
        return await IdempotentCreates.PutAsync(dynamoDb, settings.TableName, ToItem(schedule), schedule.ScheduleId, keyRecord, "schedule_id", TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RecurringSchedule?> GetAsync(string scheduleId, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = settings.TableName, Key = Key(SchedulePrefix + scheduleId), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public async Task<RecurringSchedule?> ReplaceAsync(RecurringSchedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var written = schedule with { Version = schedule.Version + 1 };
        try
        {
            await dynamoDb.PutItemAsync(
                new PutItemRequest
                {
                    TableName = settings.TableName,
                    Item = ToItem(written),
                    ConditionExpression = "version = :read",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":read"] = N(schedule.Version) },
                },
                cancellationToken).ConfigureAwait(false);
            return written;
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(RecurringSchedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var deleted = await dynamoDb.DeleteItemAsync(
            new DeleteItemRequest { TableName = settings.TableName, Key = Key(SchedulePrefix + schedule.ScheduleId), ReturnValues = ReturnValue.ALL_OLD },
            cancellationToken).ConfigureAwait(false);
        if (schedule.IdempotencyKey is { } key)
        {
            try
            {
                await dynamoDb.DeleteItemAsync(
                    new DeleteItemRequest
                    {
                        TableName = settings.TableName,
                        Key = Key(IdempotencyKeyOf(schedule.Caller, key)),
                        ConditionExpression = "schedule_id = :s",
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = S(schedule.ScheduleId) },
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
                // The key names another schedule now: not ours to free.
            }
        }

        return deleted.Attributes is { Count: > 0 };
    }

    public async Task<SchedulePage> ListAsync(string caller, ScheduleState? state, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var listing = $"schedules/{caller}/{(state is { } s ? ScheduleNames.Of(s) : "*")}";
        var response = await dynamoDb.QueryAsync(
            new QueryRequest
            {
                TableName = settings.TableName,
                IndexName = TaskTableSchema.CallerIndex,
                KeyConditionExpression = $"{TaskTableSchema.CallerShard} = :listing",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":listing"] = S(TaskTableSchema.ScheduleListing(caller)) },
                ScanIndexForward = false,
                Limit = limit,
                ExclusiveStartKey = PartitionCursor.Decode(cursor, listing, TaskTableSchema.CallerShard, TaskTableSchema.CreatedAt),
            },
            cancellationToken).ConfigureAwait(false);
        var schedules = await BatchReads.GetAsync(dynamoDb, settings.TableName, [.. (response.Items ?? []).Select(i => i[TaskTableSchema.PartitionKey].S)], FromItem, cancellationToken).ConfigureAwait(false);
        var next = response.LastEvaluatedKey is { Count: > 0 } last ? PartitionCursor.Encode(last, listing, TaskTableSchema.CallerShard, TaskTableSchema.CreatedAt) : null;
        return new SchedulePage([.. schedules.Where(x => state is null || x.State == state)], next);
    }

    public async Task<IReadOnlyList<string>> ListStalledAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await dynamoDb.QueryAsync(
                new QueryRequest
                {
                    TableName = settings.TableName,
                    IndexName = TaskTableSchema.RunIndex,
                    KeyConditionExpression = $"{TaskTableSchema.RunShard} = :listing AND {TaskTableSchema.SweepAt} <= :until",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                    {
                        [":listing"] = S(TaskTableSchema.ScheduleSweepListing),
                        [":until"] = S(Timestamps.Format(until)),
                    },
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            ids.AddRange((response.Items ?? []).Select(i => i[TaskTableSchema.PartitionKey].S[SchedulePrefix.Length..]));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return ids;
    }

    /// <summary>The key of <paramref name="caller"/>'s idempotency record for a schedule ('/' cannot be in a caller's name, so it never meets a task's key).</summary>
    public static string IdempotencyKeyOf(string caller, string key) => IdempotencyKey(caller + "/schedule", key);

    private static Dictionary<string, AttributeValue> ToItem(RecurringSchedule schedule)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [TaskTableSchema.PartitionKey] = S(SchedulePrefix + schedule.ScheduleId),
            ["schedule_id"] = S(schedule.ScheduleId),
            ["caller"] = S(schedule.Caller),
            [TaskTableSchema.CallerShard] = S(TaskTableSchema.ScheduleListing(schedule.Caller)),
            [TaskTableSchema.CreatedAt] = S(Timestamps.Format(schedule.CreatedAt)),
            ["state"] = S(ScheduleNames.Of(schedule.State)),
            ["version"] = N(schedule.Version),
            ["body"] = S(JsonSerializer.Serialize(schedule, FunctionsJsonContext.Default.RecurringSchedule)),
        };
        if (schedule.SweepAt is { } sweepAt)
        {
            item[TaskTableSchema.RunShard] = S(TaskTableSchema.ScheduleSweepListing);
            item[TaskTableSchema.SweepAt] = S(Timestamps.Format(sweepAt));
        }

        return item;
    }

    private static RecurringSchedule FromItem(Dictionary<string, AttributeValue> item) =>
        JsonSerializer.Deserialize(item["body"].S, FunctionsJsonContext.Default.RecurringSchedule)! with
        {
            Version = int.Parse(item["version"].N, System.Globalization.CultureInfo.InvariantCulture),
        };
}
