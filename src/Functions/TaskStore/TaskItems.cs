using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Functions.Serialization;
using Functions.Tasks;

namespace Functions.TaskStore;

/// <summary>
/// The item shape of a task, owned here: snake_case attributes, times as <see cref="Timestamps"/> writes them (they
/// sort as text), the status by name, the payload as raw JSON text, and the keys that place it in the indexes.
/// </summary>
public static class TaskItems
{
    public const string TaskPrefix = "task#";
    public const string IdempotencyPrefix = "idem#";

    /// <summary>The sweeper's one item: up to when it has looked.</summary>
    public const string SweepCheckpoint = "sweep#checkpoint";

    /// <summary>The status attribute (not indexed: a status change rewrites no index entry).</summary>
    public const string Status = "status";

    public static Dictionary<string, AttributeValue> Key(string partitionKey) => new() { [TaskTableSchema.PartitionKey] = S(partitionKey) };

    public static Dictionary<string, AttributeValue> ToItem(TaskRecord task, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(task);
        var item = new Dictionary<string, AttributeValue>
        {
            [TaskTableSchema.PartitionKey] = S(TaskPrefix + task.TaskId),
            ["task_id"] = S(task.TaskId),
            ["caller"] = S(task.Caller),
            [TaskTableSchema.CallerShard] = S(CallerShard(task.Caller, task.TaskId)),
            [TaskTableSchema.RunShard] = S(RunShard(task.TaskId)),
            [TaskTableSchema.SweepAt] = S(Timestamps.Format(task.SweepAt)),
            [Status] = S(TaskStateMachine.Name(task.Status)),
            ["run_at"] = S(Timestamps.Format(task.RunAt)),
            ["url"] = S(task.Url),
            ["method"] = S(task.Method),
            ["data"] = S(task.Data),
            ["max_attempts"] = N(task.MaxAttempts),
            ["timeout_seconds"] = N(task.TimeoutSeconds),
            ["attempts"] = N(task.Attempts),
            [TaskTableSchema.CreatedAt] = S(Timestamps.Format(task.CreatedAt)),
            ["updated_at"] = S(Timestamps.Format(task.UpdatedAt)),
        };
        if (task.Headers.Count > 0)
        {
            item["headers"] = new AttributeValue { M = task.Headers.ToDictionary(h => h.Key, h => S(h.Value)) };
        }

        if (task.ScheduleId is { } scheduleId)
        {
            item[TaskTableSchema.RunOf] = S(scheduleId);
            item["occurrence"] = S(Timestamps.Format(task.Occurrence ?? task.RunAt));
            if (task.Late)
            {
                item["late"] = new AttributeValue { BOOL = true };
            }
        }

        if (task.AttemptLog.Count > 0)
        {
            item[AttemptLogAttribute] = S(AttemptLogText(task.AttemptLog));
        }

        if (task.Retries > 0)
        {
            item["retries"] = N(task.Retries);
            item["attempts_before"] = N(task.AttemptsBefore);
            SetIfPresent(item, "retried_at", task.RetriedAt is { } retriedAt ? Timestamps.Format(retriedAt) : null);
        }

        SetIfPresent(item, "schedule_name", task.ScheduleName);
        SetIfPresent(item, "schedule_arn", task.ScheduleArn);
        SetIfPresent(item, "idempotency_key", task.IdempotencyKey);
        SetIfPresent(item, "last_error", task.LastError);
        if (task.LastStatusCode is { } code)
        {
            item["last_status_code"] = N(code);
        }

        if (TaskStateMachine.IsFinal(task.Status))
        {
            item[TaskTableSchema.ExpiresAt] = N((task.UpdatedAt + retention).ToUnixTimeSeconds());
            item[TaskTableSchema.Outcome] = S(TaskStateMachine.Name(task.Status));
        }

        return item;
    }

    /// <summary>The attempt log, as compact JSON text (<see cref="TaskAttempt"/>'s short names).</summary>
    public const string AttemptLogAttribute = "attempts_log";

    public static string AttemptLogText(IReadOnlyList<TaskAttempt> log) =>
        JsonSerializer.Serialize([.. log], FunctionsJsonContext.Default.TaskAttemptArray);

    /// <summary>The key of <paramref name="caller"/>'s idempotency key record (keys are per caller).</summary>
    public static string IdempotencyKey(string caller, string key) => $"{IdempotencyPrefix}{caller}#{key}";

    /// <summary>
    /// A task's shard, one of <see cref="TaskTableSchema.Shards"/>: its id's last two hex digits (random bits in a
    /// UUIDv7) modulo the shard count, as two decimal digits.
    /// </summary>
    public static string Shard(string taskId) => (Convert.ToInt32(taskId[^2..], 16) % TaskTableSchema.Shards).ToString("00", CultureInfo.InvariantCulture);

    /// <summary>by-caller's partition of a task: its caller and its shard.</summary>
    public static string CallerShard(string caller, string taskId) => $"{caller}#{Shard(taskId)}";

    /// <summary>by-run's partition of a task.</summary>
    public static string RunShard(string taskId) => $"run#{Shard(taskId)}";

    /// <summary>Every shard's name, in order.</summary>
    public static IReadOnlyList<string> ShardNames { get; } = [.. Enumerable.Range(0, TaskTableSchema.Shards).Select(i => i.ToString("00", CultureInfo.InvariantCulture))];

    /// <summary>A task from a table item.</summary>
    public static TaskRecord FromItem(Dictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new()
        {
            TaskId = item["task_id"].S,
            Caller = Text(item, "caller") ?? Tasks.Callers.Caller.BootstrapName,
            Status = TaskStateMachine.TryParse(item.TryGetValue(Status, out var s) ? s.S : null, out var state) ? state : TaskState.Pending,
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
            LastError = Text(item, "last_error") is { Length: > 0 } error ? error : null,
            LeaseUntil = Time(item, "lease_until"),
            AttemptLog = Text(item, AttemptLogAttribute) is { } log ? JsonSerializer.Deserialize(log, FunctionsJsonContext.Default.TaskAttemptArray) ?? [] : [],
            Retries = Number(item, "retries") ?? 0,
            AttemptsBefore = Number(item, "attempts_before") ?? 0,
            RetriedAt = Time(item, "retried_at"),
            ScheduleId = Text(item, TaskTableSchema.RunOf),
            Occurrence = Time(item, "occurrence"),
            Late = item.TryGetValue("late", out var late) && late.BOOL == true,
            SweepAfter = Time(item, TaskTableSchema.SweepAt) is { } sweepAt && Time(item, "run_at") is { } runAt && sweepAt != runAt + TaskRecord.LostAfter ? sweepAt : null,
        };
    }

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static void SetIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = S(value);
        }
    }

    private static string? Text(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var v) ? v.S : null;

    private static int? Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is not null ? int.Parse(v.N, CultureInfo.InvariantCulture) : null;

    private static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is not null ? Timestamps.Parse(v.S) : null;
}
