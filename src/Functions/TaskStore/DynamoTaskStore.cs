using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.Serialization;
using Functions.Tasks;

namespace Functions.TaskStore;

/// <summary>How a create ended: the task is new, or its idempotency key already names another task.</summary>
public sealed record CreateOutcome(bool Created, string? ExistingTaskId, string? ExistingFingerprint);

/// <summary>How a move ended: moved (with the task after it), or refused (with the task as it is, null when unknown).</summary>
public sealed record MoveOutcome(bool Moved, TaskRecord? Task);

/// <summary>What a move changes besides the status.</summary>
public sealed record TaskChanges
{
    public string? ScheduleArn { get; init; }
    public string? ScheduleName { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastError { get; init; }
    public bool CountAttempt { get; init; }

    /// <summary>Move only if the task is still at this attempt (so a stale worker cannot overwrite a newer one).</summary>
    public int? ExpectedAttempts { get; init; }
}

public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? NextCursor);

/// <summary>The cursor's content: which listing it continues and where. Opaque to callers (base64url JSON).</summary>
public sealed record TaskCursor(string? Status, Dictionary<string, string> Key);

public interface ITaskStore
{
    /// <summary>Writes a new task (pending); with an idempotency key, atomically with the key's record.</summary>
    Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken);

    Task<TaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Moves a task to <paramref name="target"/> if its current status may lead there (one conditional write).</summary>
    Task<MoveOutcome> MoveAsync(string taskId, TaskState target, TaskChanges changes, CancellationToken cancellationToken);

    /// <summary>
    /// The forwarder's claim of an attempt: pending | scheduled | retrying -> running, or running -> running when
    /// the previous claim's lease has run out (its worker died mid-delivery). Counts the attempt.
    /// </summary>
    Task<MoveOutcome> ClaimAsync(string taskId, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Frees an idempotency key that still names <paramref name="taskId"/> (its scheduling failed).</summary>
    Task ReleaseIdempotencyKeyAsync(string key, string taskId, CancellationToken cancellationToken);

    /// <summary>Records the schedule of a retry, if the task is still retrying at that attempt.</summary>
    Task RecordRetryScheduleAsync(string taskId, int attempts, string scheduleName, string scheduleArn, CancellationToken cancellationToken);

    /// <summary>Newest first; one status or all. Throws <see cref="FormatException"/> for a cursor it did not make.</summary>
    Task<TaskPage> ListAsync(TaskState? status, int limit, string? cursor, CancellationToken cancellationToken);
}

public sealed record TaskStoreSettings(string TableName, TimeSpan Retention);

/// <summary>
/// The tasks table through the low-level DynamoDB client. Owns the item shape: snake_case attributes, ISO-8601
/// UTC timestamps with fixed millisecond precision (they sort as text), #aliases for reserved words, and the
/// status state machine enforced by condition expressions.
/// </summary>
public sealed class DynamoTaskStore(IAmazonDynamoDB dynamoDb, TaskStoreSettings settings, TimeProvider time) : ITaskStore
{
    private const string TaskPrefix = "task#";
    private const string IdempotencyPrefix = "idem#";
    private const string TaskEntity = "task";

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public async Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var item = ToItem(task);
        var put = new Put
        {
            TableName = settings.TableName,
            Item = item,
            ConditionExpression = "attribute_not_exists(pk)",
        };
        if (task.IdempotencyKey is null)
        {
            await dynamoDb.PutItemAsync(
                new PutItemRequest { TableName = put.TableName, Item = put.Item, ConditionExpression = put.ConditionExpression },
                cancellationToken).ConfigureAwait(false);
            return new CreateOutcome(true, null, null);
        }

        var keyItem = new Dictionary<string, AttributeValue>
        {
            [TaskTableSchema.PartitionKey] = S(IdempotencyPrefix + task.IdempotencyKey),
            ["task_id"] = S(task.TaskId),
            ["request_hash"] = S(fingerprint ?? string.Empty),
            [TaskTableSchema.CreatedAt] = S(Timestamp(task.CreatedAt)),
            // Kept as long as its task can be: until retention has passed after the task's run_at.
            [TaskTableSchema.ExpiresAt] = N(((task.RunAt > task.CreatedAt ? task.RunAt : task.CreatedAt) + settings.Retention).ToUnixTimeSeconds()),
        };

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
                            new TransactWriteItem { Put = new Put { TableName = settings.TableName, Item = keyItem, ConditionExpression = "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD } },
                            new TransactWriteItem { Put = put },
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
                    var existing = keyReason.Item is { Count: > 0 } ? keyReason.Item : await GetIdempotencyAsync(task.IdempotencyKey, cancellationToken).ConfigureAwait(false);
                    if (existing is not null)
                    {
                        return new CreateOutcome(false, existing["task_id"].S, existing.TryGetValue("request_hash", out var hash) ? hash.S : null);
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

    private async Task<Dictionary<string, AttributeValue>?> GetIdempotencyAsync(string key, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = settings.TableName, Key = Key(IdempotencyPrefix + key), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } ? response.Item : null;
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
        var now = time.GetUtcNow();
        var names = new Dictionary<string, string> { ["#status"] = TaskTableSchema.Status };
        var values = new Dictionary<string, AttributeValue>
        {
            [":to"] = S(TaskStateMachine.Name(target)),
            [":now"] = S(Timestamp(now)),
        };
        var set = new List<string> { "#status = :to", "updated_at = :now" };
        var attemptCondition = string.Empty;
        if (changes.ExpectedAttempts is { } expected)
        {
            values[":expected"] = N(expected);
            attemptCondition = " AND attempts = :expected";
        }

        var sources = TaskStateMachine.LegalSources(target);
        for (var i = 0; i < sources.Count; i++)
        {
            values[$":from{i}"] = S(TaskStateMachine.Name(sources[i]));
        }

        void Set(string attribute, AttributeValue value)
        {
            values[":" + attribute] = value;
            set.Add($"{attribute} = :{attribute}");
        }

        if (changes.ScheduleArn is not null) Set("schedule_arn", S(changes.ScheduleArn));
        if (changes.ScheduleName is not null) Set("schedule_name", S(changes.ScheduleName));
        if (changes.RunAt is { } runAt) Set("run_at", S(Timestamp(runAt)));
        if (changes.LastStatusCode is { } code) Set("last_status_code", N(code));
        if (changes.LastError is not null) Set("last_error", S(Truncate(changes.LastError, 1024)));
        if (TaskStateMachine.IsFinal(target)) Set(TaskTableSchema.ExpiresAt, N((now + settings.Retention).ToUnixTimeSeconds()));
        if (changes.CountAttempt)
        {
            values[":one"] = N(1);
            set.Add("attempts = attempts + :one");
        }

        return await ConditionalUpdateAsync(
            taskId,
            "SET " + string.Join(", ", set),
            $"attribute_exists(pk) AND #status IN ({string.Join(", ", sources.Select((_, i) => $":from{i}"))}){attemptCondition}",
            names,
            values,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One conditional UpdateItem: the item after it, or (refused) the item as it was.</summary>
    private async Task<MoveOutcome> ConditionalUpdateAsync(
        string taskId, string update, string condition, Dictionary<string, string> names, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamoDb.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = settings.TableName,
                    Key = Key(TaskPrefix + taskId),
                    UpdateExpression = update,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
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

    public async Task<MoveOutcome> ClaimAsync(string taskId, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sources = TaskStateMachine.LegalSources(TaskState.Running);
        var values = new Dictionary<string, AttributeValue>
        {
            [":running"] = S(TaskStateMachine.Name(TaskState.Running)),
            [":now"] = S(Timestamp(now)),
            [":lease"] = S(Timestamp(leaseUntil)),
            [":one"] = N(1),
            // Never before it is due (less the forwarder's short wait): a stale wake-up must not skip a backoff.
            [":due"] = S(Timestamp(now + Forwarder.ForwardingService.MaxInvocationWait)),
        };
        for (var i = 0; i < sources.Count; i++)
        {
            values[$":from{i}"] = S(TaskStateMachine.Name(sources[i]));
        }

        return await ConditionalUpdateAsync(
            taskId,
            "SET #status = :running, updated_at = :now, lease_until = :lease, attempts = attempts + :one",
            $"attribute_exists(pk) AND run_at <= :due AND (#status IN ({string.Join(", ", sources.Select((_, i) => $":from{i}"))}) OR (#status = :running AND lease_until < :now))",
            new Dictionary<string, string> { ["#status"] = TaskTableSchema.Status },
            values,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseIdempotencyKeyAsync(string key, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = settings.TableName,
                    Key = Key(IdempotencyPrefix + key),
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

    public Task RecordRetryScheduleAsync(string taskId, int attempts, string scheduleName, string scheduleArn, CancellationToken cancellationToken) =>
        ConditionalUpdateAsync(
            taskId,
            "SET schedule_name = :name, schedule_arn = :arn",
            "#status = :retrying AND attempts = :attempts",
            new Dictionary<string, string> { ["#status"] = TaskTableSchema.Status },
            new Dictionary<string, AttributeValue>
            {
                [":name"] = S(scheduleName),
                [":arn"] = S(scheduleArn),
                [":retrying"] = S(TaskStateMachine.Name(TaskState.Retrying)),
                [":attempts"] = N(attempts),
            },
            cancellationToken);

    public async Task<TaskPage> ListAsync(TaskState? status, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var statusName = status is { } s ? TaskStateMachine.Name(s) : null;
        var start = cursor is null ? null : DecodeCursor(cursor, statusName);
        var request = new QueryRequest
        {
            TableName = settings.TableName,
            IndexName = statusName is null ? TaskTableSchema.CreatedIndex : TaskTableSchema.StatusIndex,
            KeyConditionExpression = "#k = :k",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#k"] = statusName is null ? TaskTableSchema.Entity : TaskTableSchema.Status },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":k"] = S(statusName ?? TaskEntity) },
            ScanIndexForward = false,
            Limit = limit,
            ExclusiveStartKey = start?.Key.ToDictionary(k => k.Key, k => S(k.Value)),
        };
        var response = await dynamoDb.QueryAsync(request, cancellationToken).ConfigureAwait(false);
        var tasks = (response.Items ?? []).Select(item => FromItem(item, statusName)).ToList();
        string? next = null;
        if (response.LastEvaluatedKey is { Count: > 0 } last && tasks.Count == limit)
        {
            next = EncodeCursor(new TaskCursor(statusName, last.ToDictionary(k => k.Key, k => k.Value.S)));
        }

        return new TaskPage(tasks, next);
    }

    private static string EncodeCursor(TaskCursor cursor) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(cursor, FunctionsJsonContext.Default.TaskCursor))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static TaskCursor DecodeCursor(string text, string? status)
    {
        TaskCursor? cursor;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            cursor = JsonSerializer.Deserialize(Convert.FromBase64String(base64), FunctionsJsonContext.Default.TaskCursor);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new FormatException("cursor is not one this API gave out.", ex);
        }

        var expectedKeys = status is null
            ? new[] { TaskTableSchema.PartitionKey, TaskTableSchema.Entity, TaskTableSchema.CreatedAt }
            : [TaskTableSchema.PartitionKey, TaskTableSchema.Status, TaskTableSchema.CreatedAt];
        if (cursor?.Key is null || cursor.Status != status || cursor.Key.Count != expectedKeys.Length
            || !expectedKeys.All(k => cursor.Key.TryGetValue(k, out var v) && !string.IsNullOrEmpty(v))
            || !cursor.Key[TaskTableSchema.PartitionKey].StartsWith(TaskPrefix, StringComparison.Ordinal))
        {
            throw new FormatException("cursor is not one this API gave out, or belongs to a listing with another status.");
        }

        return cursor;
    }

    private Dictionary<string, AttributeValue> ToItem(TaskRecord task)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [TaskTableSchema.PartitionKey] = S(TaskPrefix + task.TaskId),
            [TaskTableSchema.Entity] = S(TaskEntity),
            ["task_id"] = S(task.TaskId),
            [TaskTableSchema.Status] = S(TaskStateMachine.Name(task.Status)),
            ["run_at"] = S(Timestamp(task.RunAt)),
            ["url"] = S(task.Url),
            ["method"] = S(task.Method),
            ["data"] = S(task.Data),
            ["max_attempts"] = N(task.MaxAttempts),
            ["timeout_seconds"] = N(task.TimeoutSeconds),
            ["attempts"] = N(task.Attempts),
            [TaskTableSchema.CreatedAt] = S(Timestamp(task.CreatedAt)),
            ["updated_at"] = S(Timestamp(task.UpdatedAt)),
        };
        if (task.Headers.Count > 0)
        {
            item["headers"] = new AttributeValue { M = task.Headers.ToDictionary(h => h.Key, h => S(h.Value)) };
        }

        if (task.ScheduleName is not null) item["schedule_name"] = S(task.ScheduleName);
        if (task.ScheduleArn is not null) item["schedule_arn"] = S(task.ScheduleArn);
        if (task.IdempotencyKey is not null) item["idempotency_key"] = S(task.IdempotencyKey);
        if (TaskStateMachine.IsFinal(task.Status)) item[TaskTableSchema.ExpiresAt] = N((task.UpdatedAt + settings.Retention).ToUnixTimeSeconds());
        return item;
    }

    /// <summary>A task from an item; index items lack the payload, so those fields read as empty there.</summary>
    private static TaskRecord FromItem(Dictionary<string, AttributeValue> item, string? status = null) => new()
    {
        TaskId = item["task_id"].S,
        Status = TaskStateMachine.TryParse(item.TryGetValue(TaskTableSchema.Status, out var s) ? s.S : status, out var state) ? state : TaskState.Pending,
        RunAt = Time(item, "run_at") ?? default,
        Url = Text(item, "url") ?? string.Empty,
        Method = Text(item, "method") ?? string.Empty,
        Headers = item.TryGetValue("headers", out var headers) && headers.M is { } map
            ? map.ToDictionary(h => h.Key, h => h.Value.S, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(),
        Data = Text(item, "data") ?? "{}",
        MaxAttempts = Number(item, "max_attempts") ?? 0,
        TimeoutSeconds = Number(item, "timeout_seconds") ?? 0,
        Attempts = Number(item, "attempts") ?? 0,
        CreatedAt = Time(item, TaskTableSchema.CreatedAt) ?? default,
        UpdatedAt = Time(item, "updated_at") ?? default,
        ScheduleName = Text(item, "schedule_name"),
        ScheduleArn = Text(item, "schedule_arn"),
        IdempotencyKey = Text(item, "idempotency_key"),
        LastStatusCode = Number(item, "last_status_code"),
        LastError = Text(item, "last_error"),
        LeaseUntil = Time(item, "lease_until"),
    };

    private static string? Text(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var v) ? v.S : null;

    private static int? Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is not null ? int.Parse(v.N, CultureInfo.InvariantCulture) : null;

    private static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is not null ? DateTimeOffset.Parse(v.S, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    private static Dictionary<string, AttributeValue> Key(string pk) => new() { [TaskTableSchema.PartitionKey] = S(pk) };

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
