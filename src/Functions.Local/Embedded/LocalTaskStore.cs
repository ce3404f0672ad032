using System.Text;
using System.Text.Json;
using Functions.Tasks;

namespace Functions.Local.Embedded;

/// <summary>
/// <see cref="ITaskStore"/> on the embedded database, held to the same contract as the DynamoDB store (the store
/// contract tests run against both): the state machine's legal sources for every move, the attempt check, the
/// claim rule (<see cref="TaskStateMachine.CanClaim"/>), idempotency keys.
/// (The runner is not Native AOT; tasks are kept as reflection-serialized JSON.)
/// </summary>
public sealed class LocalTaskStore(LocalDatabase database, TimeProvider time) : ITaskStore
{
    private static readonly JsonSerializerOptions Json = new() { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    public Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            if (task.IdempotencyKey is { } idempotencyKey)
            {
                var key = ScopedKey(task.Caller, idempotencyKey);
                using var claim = connection.Command(transaction, "INSERT INTO idempotency (key, task_id, fingerprint) VALUES ($k, $t, $f) ON CONFLICT (key) DO NOTHING", ("$k", key), ("$t", task.TaskId), ("$f", fingerprint));
                if (claim.ExecuteNonQuery() == 0)
                {
                    using var read = connection.Command(transaction, "SELECT task_id, fingerprint FROM idempotency WHERE key = $k", ("$k", key));
                    using var reader = read.ExecuteReader();
                    reader.Read();
                    return new CreateOutcome(false, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
                }
            }

            using var insert = connection.Command(
                transaction,
                "INSERT INTO tasks (task_id, status, created_at, caller, sweep_at, json) VALUES ($id, $s, $c, $caller, $sweep, $j)",
                ("$id", task.TaskId), ("$s", TaskStateMachine.Name(task.Status)), ("$c", Timestamps.Format(task.CreatedAt)),
                ("$caller", task.Caller), ("$sweep", Timestamps.Format(task.SweepAt)), ("$j", JsonSerializer.Serialize(task, Json)));
            insert.ExecuteNonQuery();
            return new CreateOutcome(true, null, null);
        }, cancellationToken);

    public Task<TaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) => Read(connection, transaction, taskId), cancellationToken);

    public Task<MoveOutcome> MoveAsync(string taskId, TaskState target, TaskChanges changes, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            var current = Read(connection, transaction, taskId);
            if (current is null || !TaskStateMachine.CanMove(current.Status, target) || (changes.ExpectedAttempts is { } expected && current.Attempts != expected))
            {
                return new MoveOutcome(false, current);
            }

            var moved = current with
            {
                Status = target,
                UpdatedAt = time.GetUtcNow(),
                ScheduleArn = changes.ScheduleArn ?? current.ScheduleArn,
                ScheduleName = changes.ScheduleName ?? current.ScheduleName,
                RunAt = changes.RunAt ?? current.RunAt,
                SweepAfter = changes.RunAt is null ? current.SweepAfter : null,
                LastStatusCode = changes.Result is { } result ? result.StatusCode : current.LastStatusCode,
                LastError = changes.Result is { } last ? last.StoredError : current.LastError,
            };
            Write(connection, transaction, moved);
            return new MoveOutcome(true, moved);
        }, cancellationToken);

    public Task<MoveOutcome> ClaimAsync(string taskId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var current = Read(connection, transaction, taskId);
            if (current is null || !TaskStateMachine.CanClaim(current, now, dueBy))
            {
                return new MoveOutcome(false, current);
            }

            var claimed = current with { Status = TaskState.Running, UpdatedAt = now, LeaseUntil = leaseUntil, Attempts = current.Attempts + 1 };
            Write(connection, transaction, claimed);
            return new MoveOutcome(true, claimed);
        }, cancellationToken);

    public Task ReleaseIdempotencyKeyAsync(string caller, string key, string taskId, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            using var delete = connection.Command(transaction, "DELETE FROM idempotency WHERE key = $k AND task_id = $t", ("$k", ScopedKey(caller, key)), ("$t", taskId));
            return delete.ExecuteNonQuery();
        }, cancellationToken);

    public Task RecordRetryScheduleAsync(string taskId, int attempts, string scheduleName, string scheduleArn, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            var current = Read(connection, transaction, taskId);
            if (current is { Status: TaskState.Retrying } && current.Attempts == attempts)
            {
                Write(connection, transaction, current with { ScheduleName = scheduleName, ScheduleArn = scheduleArn });
            }

            return 0;
        }, cancellationToken);

    public Task<TaskPage> ListAsync(TaskFilter filter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statusName = filter.Status is { } s ? TaskStateMachine.Name(s) : null;
        var listing = $"{filter.Caller ?? "*"}/{statusName ?? "*"}";

        // As the DynamoDB store: one caller's tasks by creation; every caller's by run time (latest first).
        var order = filter.Caller is null ? "sweep_at" : "created_at";
        var (afterSort, afterId) = cursor is null ? (null, null) : Decode(cursor, listing);
        return database.RunAsync((connection, transaction) =>
        {
            var sql = new StringBuilder($"SELECT json, {order} FROM tasks WHERE 1 = 1");
            if (filter.Caller is not null)
            {
                sql.Append(" AND caller = $caller");
            }

            if (statusName is not null)
            {
                sql.Append(" AND status = $s");
            }

            if (afterSort is not null)
            {
                sql.Append($" AND ({order} < $after OR ({order} = $after AND task_id < $id))");
            }

            sql.Append($" ORDER BY {order} DESC, task_id DESC LIMIT $limit");
            using var query = connection.Command(transaction, sql.ToString(), ("$caller", filter.Caller), ("$s", statusName), ("$after", afterSort), ("$id", afterId), ("$limit", limit + 1));
            using var reader = query.ExecuteReader();
            var tasks = new List<(TaskRecord Task, string Sort)>();
            while (reader.Read())
            {
                tasks.Add((WithHeaderNamesCaseInsensitive(JsonSerializer.Deserialize<TaskRecord>(reader.GetString(0), Json)!), reader.GetString(1)));
            }

            string? next = null;
            if (tasks.Count > limit)
            {
                tasks.RemoveAt(limit);
                var last = tasks[^1];
                next = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{listing}|{last.Sort}|{last.Task.TaskId}"));
            }

            return new TaskPage([.. tasks.Select(t => t.Task)], next);
        }, cancellationToken);
    }

    public int SweepSegments => 1;

    public Task<IReadOnlyList<TaskRecord>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<TaskRecord>>((connection, transaction) => [.. taskIds.Select(id => Read(connection, transaction, id)).OfType<TaskRecord>()], cancellationToken);

    public Task<SweepPage> ListSweepDueAsync(int segment, DateTimeOffset after, DateTimeOffset until, string? cursor, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            using var query = connection.Command(
                transaction,
                "SELECT task_id FROM tasks WHERE sweep_at > $after AND sweep_at <= $until AND task_id > $from ORDER BY task_id LIMIT 100",
                ("$after", Timestamps.Format(after)), ("$until", Timestamps.Format(until)), ("$from", cursor ?? string.Empty));
            using var reader = query.ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return new SweepPage(ids, ids.Count == 100 ? ids[^1] : null);
        }, cancellationToken);

    public Task PostponeSweepAsync(string taskId, DateTimeOffset sweepAt, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            var current = Read(connection, transaction, taskId);
            if (current is not null && !TaskStateMachine.IsFinal(current.Status))
            {
                Write(connection, transaction, current with { SweepAfter = sweepAt });
            }

            return 0;
        }, cancellationToken);

    public Task<SweepProgress?> GetSweepProgressAsync(CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            using var query = connection.Command(transaction, "SELECT progress FROM sweep_progress WHERE id = 1");
            return query.ExecuteScalar() is string json ? JsonSerializer.Deserialize<SweepProgress>(json, Json) : null;
        }, cancellationToken);

    public Task SetSweepProgressAsync(SweepProgress progress, CancellationToken cancellationToken) =>
        database.RunAsync((connection, transaction) =>
        {
            using var upsert = connection.Command(
                transaction,
                "INSERT INTO sweep_progress (id, progress) VALUES (1, $p) ON CONFLICT (id) DO UPDATE SET progress = excluded.progress",
                ("$p", JsonSerializer.Serialize(progress, Json)));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    private static string ScopedKey(string caller, string key) => $"{caller}#{key}";

    private static (string Sort, string Id) Decode(string cursor, string listing)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('|');
            if (parts.Length == 3 && parts[0] == listing && parts[1].Length > 0 && parts[2].Length > 0)
            {
                return (parts[1], parts[2]);
            }
        }
        catch (FormatException)
        {
        }

        throw new FormatException("cursor is not one this API gave out, or belongs to a listing with another status.");
    }

    private static TaskRecord? Read(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string taskId)
    {
        using var query = connection.Command(transaction, "SELECT json FROM tasks WHERE task_id = $id", ("$id", taskId));
        return query.ExecuteScalar() is string json ? WithHeaderNamesCaseInsensitive(JsonSerializer.Deserialize<TaskRecord>(json, Json)!) : null;
    }

    private static void Write(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, TaskRecord task)
    {
        using var update = connection.Command(
            transaction,
            "UPDATE tasks SET status = $s, sweep_at = $sweep, json = $j WHERE task_id = $id",
            ("$s", TaskStateMachine.Name(task.Status)), ("$sweep", Timestamps.Format(task.SweepAt)), ("$j", JsonSerializer.Serialize(task, Json)), ("$id", task.TaskId));
        update.ExecuteNonQuery();
    }

    // HTTP header names are case-insensitive, as the DynamoDB store reads them back.
    private static TaskRecord WithHeaderNamesCaseInsensitive(TaskRecord task) =>
        task with { Headers = new Dictionary<string, string>(task.Headers, StringComparer.OrdinalIgnoreCase) };
}
