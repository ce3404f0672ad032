using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using System.Text.Json;
using Functions.Serialization;
using Functions.Tasks;
using static Functions.TaskStore.TaskItems;

namespace Functions.TaskStore;

/// <summary>
/// <see cref="ITaskStore"/> on the tasks table, through the low-level DynamoDB client. Every status change is one
/// UpdateItem whose condition is the state machine's (<see cref="TaskStateMachine.LegalSources"/>), so two
/// functions racing for one task can never both win; the item shape is <see cref="TaskItems"/>'.
/// </summary>
public sealed class DynamoTaskStore(IAmazonDynamoDB dynamoDb, TaskStoreSettings settings, TimeProvider time) : ITaskStore
{
    public async Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var keyRecord = task.IdempotencyKey is null ? null : new Dictionary<string, AttributeValue>
        {
            [TaskTableSchema.PartitionKey] = S(IdempotencyKey(task.Caller, task.IdempotencyKey)),
            ["task_id"] = S(task.TaskId),
            ["request_hash"] = S(fingerprint ?? string.Empty),
            [TaskTableSchema.CreatedAt] = S(Timestamps.Format(task.CreatedAt)),
            // Kept as long as its task can be: until retention has passed after the task's run_at.
            [TaskTableSchema.ExpiresAt] = N(((task.RunAt > task.CreatedAt ? task.RunAt : task.CreatedAt) + settings.Retention).ToUnixTimeSeconds()),
        };
        return await IdempotentCreates.PutAsync(dynamoDb, settings.TableName, ToItem(task, settings.Retention), task.TaskId, keyRecord, "task_id", time, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = settings.TableName, Key = Key(TaskPrefix + taskId), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } ? FromItem(response.Item) : null;
    }

    public async Task<MoveOutcome> MoveAsync(string taskId, TaskState target, TaskChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var sources = TaskStateMachine.LegalSources(target);
        if (sources.Count == 0)
        {
            // No state leads there (pending is only ever created): refused, as the condition would refuse it.
            return new MoveOutcome(false, await GetAsync(taskId, cancellationToken).ConfigureAwait(false));
        }

        var now = time.GetUtcNow();
        var update = new UpdateBuilder();
        update.Set("#status", ":to", S(TaskStateMachine.Name(target)));
        update.Set("updated_at", ":now", S(Timestamps.Format(now)));
        update.Names["#status"] = Status;
        if (changes.ScheduleArn is not null)
        {
            update.Set("schedule_arn", ":arn", S(changes.ScheduleArn));
        }

        if (changes.ScheduleName is not null)
        {
            update.Set("schedule_name", ":name", S(changes.ScheduleName));
        }

        if (changes.RunAt is { } runAt)
        {
            // by-run's sort key follows run_at: the sweeper looks at a retry when it should have finished.
            update.Set("run_at", ":run_at", S(Timestamps.Format(runAt)));
            update.Set(TaskTableSchema.SweepAt, ":sweep_at", S(Timestamps.Format(runAt + TaskRecord.LostAfter)));
        }

        if (changes.Result is { } result)
        {
            // Both together: a result without a status code must not leave the previous attempt's code standing.
            if (result.StatusCode is { } code)
            {
                update.Set("last_status_code", ":code", N(code));
            }
            else
            {
                update.Remove("last_status_code");
            }

            if (result.StoredError is { } error)
            {
                update.Set("last_error", ":error", S(error));
            }
            else
            {
                update.Remove("last_error");
            }
        }

        if (changes.AttemptLog is { } log)
        {
            update.Set(AttemptLogAttribute, ":log", S(AttemptLogText(log)));
        }

        if (changes.StartsRetry)
        {
            // A fresh budget from the attempts made so far; the count of retries by hand goes up by one.
            update.Values[":zero"] = N(0);
            update.Values[":one"] = N(1);
            update.Expressions.Add("retries = if_not_exists(retries, :zero) + :one");
            update.Expressions.Add("attempts_before = attempts");
            update.Set("retried_at", ":retried_at", S(Timestamps.Format(now)));
        }

        if (TaskStateMachine.IsFinal(target))
        {
            update.Set(TaskTableSchema.ExpiresAt, ":expires", N((now + settings.Retention).ToUnixTimeSeconds()));
            update.Set(TaskTableSchema.Outcome, ":outcome", S(TaskStateMachine.Name(target)));
        }
        else if (sources.Any(TaskStateMachine.IsFinal))
        {
            // Out of a final state (a retry): no longer expiring, and no longer listed as finished.
            update.Remove(TaskTableSchema.ExpiresAt);
            update.Remove(TaskTableSchema.Outcome);
        }

        var condition = $"attribute_exists(pk) AND {update.StatusIn(sources)}";
        if (changes.ExpectedAttempts is { } expected)
        {
            update.Values[":expected"] = N(expected);
            condition += " AND attempts = :expected";
        }

        return await ConditionalUpdateAsync(taskId, update, condition, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MoveOutcome> ClaimAsync(string taskId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        // TaskStateMachine.CanClaim as a condition: due by dueBy, and a legal source status or a lapsed lease.
        var now = time.GetUtcNow();
        var update = new UpdateBuilder();
        update.Names["#status"] = Status;
        update.Set("#status", ":running", S(TaskStateMachine.Name(TaskState.Running)));
        update.Set("updated_at", ":now", S(Timestamps.Format(now)));
        update.Set("lease_until", ":lease", S(Timestamps.Format(leaseUntil)));
        update.Values[":one"] = N(1);
        update.Values[":due"] = S(Timestamps.Format(dueBy));
        update.Expressions.Add("attempts = attempts + :one");
        var condition = $"attribute_exists(pk) AND run_at <= :due AND ({update.StatusIn(TaskStateMachine.LegalSources(TaskState.Running))} OR (#status = :running AND lease_until < :now))";
        return await ConditionalUpdateAsync(taskId, update, condition, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseIdempotencyKeyAsync(string caller, string key, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = settings.TableName,
                    Key = Key(IdempotencyKey(caller, key)),
                    ConditionExpression = "task_id = :t",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":t"] = S(taskId) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // The key names another task now: not ours to free.
        }
    }

    public Task RecordRetryScheduleAsync(string taskId, int attempts, string scheduleName, string scheduleArn, CancellationToken cancellationToken)
    {
        var update = new UpdateBuilder();
        update.Names["#status"] = Status;
        update.Set("schedule_name", ":name", S(scheduleName));
        update.Set("schedule_arn", ":arn", S(scheduleArn));
        update.Values[":retrying"] = S(TaskStateMachine.Name(TaskState.Retrying));
        update.Values[":attempts"] = N(attempts);
        return ConditionalUpdateAsync(taskId, update, "#status = :retrying AND attempts = :attempts", cancellationToken);
    }

    public Task<TaskPage> ListAsync(TaskFilter filter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statusName = filter.Status is { } status ? TaskStateMachine.Name(status) : null;
        var listing = $"{filter.Caller ?? "*"}|{statusName ?? "*"}";
        ShardedListing query;
        if (filter.Caller is { } caller)
        {
            // One caller's tasks by creation. A final status is filtered on the index's projected outcome; an unfinished
            // one on the outcome's absence, then exactly on the task read.
            query = new ShardedListing(dynamoDb, settings.TableName)
            {
                IndexName = TaskTableSchema.CallerIndex,
                ShardAttribute = TaskTableSchema.CallerShard,
                SortAttribute = TaskTableSchema.CreatedAt,
                ShardValue = shard => $"{caller}#{shard}",
                Filter = filter.Status switch
                {
                    null => null,
                    { } final when TaskStateMachine.IsFinal(final) => ($"{TaskTableSchema.Outcome} = :outcome", new() { [":outcome"] = S(statusName!) }),
                    _ => ($"attribute_not_exists({TaskTableSchema.Outcome})", []),
                },
                Keep = filter.Status is { } wanted ? task => task.Status == wanted : null,
            };
        }
        else
        {
            // Every caller's tasks, latest run first (the index the sweeper reads).
            query = new ShardedListing(dynamoDb, settings.TableName)
            {
                IndexName = TaskTableSchema.RunIndex,
                ShardAttribute = TaskTableSchema.RunShard,
                SortAttribute = TaskTableSchema.SweepAt,
                ShardValue = shard => $"run#{shard}",
                Keep = filter.Status is { } wanted ? task => task.Status == wanted : null,
            };
        }

        return query.PageAsync(listing, limit, cursor, cancellationToken);
    }

    public async Task<TaskPage> ListRunsAsync(string scheduleId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.QueryAsync(
            new QueryRequest
            {
                TableName = settings.TableName,
                IndexName = TaskTableSchema.ScheduleIndex,
                KeyConditionExpression = $"{TaskTableSchema.RunOf} = :schedule",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":schedule"] = S(scheduleId) },
                ScanIndexForward = false,
                Limit = limit,
                ExclusiveStartKey = PartitionCursor.Decode(cursor, "runs/" + scheduleId, TaskTableSchema.RunOf, TaskTableSchema.CreatedAt),
            },
            cancellationToken).ConfigureAwait(false);
        var tasks = await BatchReads.GetAsync(dynamoDb, settings.TableName, [.. (response.Items ?? []).Select(i => i[TaskTableSchema.PartitionKey].S)], cancellationToken).ConfigureAwait(false);
        var next = response.LastEvaluatedKey is { Count: > 0 } last ? PartitionCursor.Encode(last, "runs/" + scheduleId, TaskTableSchema.RunOf, TaskTableSchema.CreatedAt) : null;
        return new TaskPage(tasks, next);
    }

    public int SweepSegments => TaskTableSchema.Shards;

    public async Task<SweepPage> ListSweepDueAsync(int segment, DateTimeOffset after, DateTimeOffset until, string? cursor, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.QueryAsync(
            new QueryRequest
            {
                TableName = settings.TableName,
                IndexName = TaskTableSchema.RunIndex,
                KeyConditionExpression = $"{TaskTableSchema.RunShard} = :shard AND {TaskTableSchema.SweepAt} BETWEEN :after AND :until",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":shard"] = S($"run#{ShardNames[segment]}"),
                    [":after"] = S(Timestamps.Format(after)),
                    [":until"] = S(Timestamps.Format(until)),
                },
                Limit = 100,
                ExclusiveStartKey = SweepCursor.Decode(cursor),
            },
            cancellationToken).ConfigureAwait(false);
        var ids = (response.Items ?? [])
            .Where(i => string.CompareOrdinal(i[TaskTableSchema.SweepAt].S, Timestamps.Format(after)) > 0)
            .Select(i => i[TaskTableSchema.PartitionKey].S[TaskPrefix.Length..])
            .ToList();
        return new SweepPage(ids, response.LastEvaluatedKey is { Count: > 0 } last ? SweepCursor.Encode(last) : null);
    }

    public async Task<IReadOnlyList<TaskRecord>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var tasks = new List<TaskRecord>(taskIds.Count);
        foreach (var chunk in taskIds.Chunk(100))
        {
            tasks.AddRange(await BatchReads.GetAsync(dynamoDb, settings.TableName, [.. chunk.Select(id => TaskPrefix + id)], cancellationToken).ConfigureAwait(false));
        }

        return tasks;
    }

    public async Task PostponeSweepAsync(string taskId, DateTimeOffset sweepAt, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = settings.TableName,
                    Key = Key(TaskPrefix + taskId),
                    UpdateExpression = $"SET {TaskTableSchema.SweepAt} = :sweep_at",
                    ConditionExpression = $"attribute_exists(pk) AND attribute_not_exists({TaskTableSchema.Outcome})",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":sweep_at"] = S(Timestamps.Format(sweepAt)) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Finished meanwhile: nothing left to look at.
        }
    }

    public async Task<SweepProgress?> GetSweepProgressAsync(CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = settings.TableName, Key = Key(SweepCheckpoint), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item && item.TryGetValue("progress", out var progress)
            ? JsonSerializer.Deserialize(progress.S, FunctionsJsonContext.Default.SweepProgress)
            : null;
    }

    public Task SetSweepProgressAsync(SweepProgress progress, CancellationToken cancellationToken) =>
        dynamoDb.PutItemAsync(
            new PutItemRequest
            {
                TableName = settings.TableName,
                Item = new Dictionary<string, AttributeValue>
                {
                    [TaskTableSchema.PartitionKey] = S(SweepCheckpoint),
                    ["progress"] = S(JsonSerializer.Serialize(progress, FunctionsJsonContext.Default.SweepProgress)),
                },
            },
            cancellationToken);

    /// <summary>One conditional UpdateItem: the item after it, or (refused) the item as it was.</summary>
    private async Task<MoveOutcome> ConditionalUpdateAsync(string taskId, UpdateBuilder update, string condition, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamoDb.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = settings.TableName,
                    Key = Key(TaskPrefix + taskId),
                    UpdateExpression = update.Expression,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = update.Names,
                    ExpressionAttributeValues = update.Values,
                    ReturnValues = ReturnValue.ALL_NEW,
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
                cancellationToken).ConfigureAwait(false);
            return new MoveOutcome(true, FromItem(response.Attributes));
        }
        catch (ConditionalCheckFailedException ex)
        {
            return new MoveOutcome(false, ex.Item is { Count: > 0 } ? FromItem(ex.Item) : null);
        }
    }

    /// <summary>An update expression (SET and REMOVE clauses) with its attribute names and values.</summary>
    private sealed class UpdateBuilder
    {
        private readonly List<string> _removed = [];

        public List<string> Expressions { get; } = [];

        public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, AttributeValue> Values { get; } = new(StringComparer.Ordinal);

        public string Expression => "SET " + string.Join(", ", Expressions) + (_removed.Count > 0 ? " REMOVE " + string.Join(", ", _removed) : string.Empty);

        public void Set(string attribute, string placeholder, AttributeValue value)
        {
            Values[placeholder] = value;
            Expressions.Add($"{attribute} = {placeholder}");
        }

        public void Remove(string attribute) => _removed.Add(attribute);

        /// <summary><c>#status IN (:from0, :from1, …)</c> for the given states.</summary>
        public string StatusIn(IReadOnlyList<TaskState> states)
        {
            for (var i = 0; i < states.Count; i++)
            {
                Values[$":from{i}"] = S(TaskStateMachine.Name(states[i]));
            }

            return $"#status IN ({string.Join(", ", states.Select((_, i) => $":from{i}"))})";
        }
    }
}
