using System.Text;
using System.Text.Json;
using Functions.Tasks;

namespace Functions.Local.Embedded;

/// <summary>
/// <see cref="ITaskStore"/> on the embedded database, held to the same contract as the DynamoDB store (the store
/// contract tests run against both): the state machine's legal sources for every move, the attempt check, the
/// claim rule (<see cref="TaskStateMachine.CanClaim"/>), idempotency keys, callers, listings and the sweep. Tasks are
/// kept as JSON (<see cref="LocalJsonContext"/>).
/// </summary>
public sealed class LocalTaskStore(LocalDatabase database, TimeProvider time) : ITaskStore
{
    public Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            if (task.IdempotencyKey is { } key && LocalIdempotency.Claim(sql, ScopedKey(task.Caller, key), task.TaskId, fingerprint) is { } taken)
            {
                return taken;
            }

            var insert = sql.Command("INSERT INTO tasks (task_id, status, created_at, caller, sweep_at, run_of, json) VALUES ($id, $s, $c, $caller, $sweep, $run_of, $j) ON CONFLICT (task_id) DO NOTHING",
                ("$id", task.TaskId), ("$s", TaskStateMachine.Name(task.Status)), ("$c", Timestamps.Format(task.CreatedAt)),
                ("$caller", task.Caller), ("$sweep", Timestamps.Format(task.SweepAt)), ("$run_of", task.ScheduleId), ("$j", JsonSerializer.Serialize(task, LocalJsonContext.Default.TaskRecord)));
            return insert.ExecuteNonQuery() == 1 ? new CreateOutcome(true, null, null) : new CreateOutcome(false, task.TaskId, null);
        }, cancellationToken);

    public Task<TaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken) =>
        database.RunAsync(sql => Read(sql, taskId), cancellationToken);

    public Task<MoveOutcome> MoveAsync(string taskId, TaskState target, TaskChanges changes, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var current = Read(sql, taskId);
            if (current is null || !TaskStateMachine.CanMove(current.Status, target) || (changes.ExpectedAttempts is { } expected && current.Attempts != expected))
            {
                return new MoveOutcome(false, current);
            }

            var now = time.GetUtcNow();
            var moved = current with
            {
                Status = target,
                UpdatedAt = now,
                ScheduleArn = changes.ScheduleArn ?? current.ScheduleArn,
                ScheduleName = changes.ScheduleName ?? current.ScheduleName,
                RunAt = changes.RunAt ?? current.RunAt,
                SweepAfter = changes.RunAt is null ? current.SweepAfter : null,
                LastStatusCode = changes.Result is { } result ? result.StatusCode : current.LastStatusCode,
                LastError = changes.Result is { } last ? last.StoredError : current.LastError,
                AttemptLog = changes.AttemptLog ?? current.AttemptLog,
                Retries = changes.StartsRetry ? current.Retries + 1 : current.Retries,
                AttemptsBefore = changes.StartsRetry ? current.Attempts : current.AttemptsBefore,
                RetriedAt = changes.StartsRetry ? now : current.RetriedAt,
            };
            Write(sql, moved);
            return new MoveOutcome(true, moved);
        }, cancellationToken);

    // Urgent: in a burst, thousands of claims wait for the one writer, and each stands between a due task and its
    // call; outcomes, queue deletes and new tasks can wait behind them.
    public Task<MoveOutcome> ClaimAsync(string taskId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var now = time.GetUtcNow();
            var current = Read(sql, taskId);
            if (current is null || !TaskStateMachine.CanClaim(current, now, dueBy))
            {
                return new MoveOutcome(false, current);
            }

            var claimed = current with { Status = TaskState.Running, UpdatedAt = now, LeaseUntil = leaseUntil, Attempts = current.Attempts + 1 };
            Write(sql, claimed);
            return new MoveOutcome(true, claimed);
        }, urgent: true, cancellationToken);

    public Task ReleaseIdempotencyKeyAsync(string caller, string key, string taskId, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            LocalIdempotency.Release(sql, ScopedKey(caller, key), taskId);
            return 0;
        }, cancellationToken);

    public Task RecordRetryScheduleAsync(string taskId, int attempts, string scheduleName, string scheduleArn, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var current = Read(sql, taskId);
            if (current is { Status: TaskState.Retrying } && current.Attempts == attempts)
            {
                Write(sql, current with { ScheduleName = scheduleName, ScheduleArn = scheduleArn });
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
        var (afterSort, afterId) = LocalPages.After(cursor, listing);
        return database.RunAsync(sql =>
        {
            var text = new StringBuilder($"SELECT json, {order} FROM tasks WHERE 1 = 1");
            if (filter.Caller is not null)
            {
                text.Append(" AND caller = $caller");
            }

            if (statusName is not null)
            {
                text.Append(" AND status = $s");
            }

            if (afterSort is not null)
            {
                text.Append($" AND ({order} < $after OR ({order} = $after AND task_id < $id))");
            }

            text.Append($" ORDER BY {order} DESC, task_id DESC LIMIT $limit");
            using var reader = sql.Command(text.ToString(), ("$caller", filter.Caller), ("$s", statusName), ("$after", afterSort), ("$id", afterId), ("$limit", limit + 1)).ExecuteReader();
            var (tasks, next) = LocalPages.Read(reader, limit, listing, ReadTask, t => t.TaskId);
            return new TaskPage(tasks, next);
        }, cancellationToken);
    }

    public Task<TaskPage> ListRunsAsync(string scheduleId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var listing = "runs/" + scheduleId;
        var (afterSort, afterId) = LocalPages.After(cursor, listing);
        return database.RunAsync(sql =>
        {
            using var reader = sql.Command(
                "SELECT json, created_at FROM tasks WHERE run_of = $s AND ($after IS NULL OR created_at < $after OR (created_at = $after AND task_id < $id)) ORDER BY created_at DESC, task_id DESC LIMIT $limit",
                ("$s", scheduleId), ("$after", afterSort), ("$id", afterId), ("$limit", limit + 1)).ExecuteReader();
            var (tasks, next) = LocalPages.Read(reader, limit, listing, ReadTask, t => t.TaskId);
            return new TaskPage(tasks, next);
        }, cancellationToken);
    }

    public int SweepSegments => 1;

    public Task<IReadOnlyList<TaskRecord>> GetManyAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<TaskRecord>>(sql => [.. taskIds.Select(id => Read(sql, id)).OfType<TaskRecord>()], cancellationToken);

    public Task<SweepPage> ListSweepDueAsync(int segment, DateTimeOffset after, DateTimeOffset until, string? cursor, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var query = sql.Command("SELECT task_id FROM tasks WHERE sweep_at > $after AND sweep_at <= $until AND task_id > $from ORDER BY task_id LIMIT 100",
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
        database.RunAsync(sql =>
        {
            var current = Read(sql, taskId);
            if (current is not null && !TaskStateMachine.IsFinal(current.Status))
            {
                Write(sql, current with { SweepAfter = sweepAt });
            }

            return 0;
        }, cancellationToken);

    public Task<SweepProgress?> GetSweepProgressAsync(CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var query = sql.Command("SELECT progress FROM sweep_progress WHERE id = 1");
            return query.ExecuteScalar() is string json ? JsonSerializer.Deserialize(json, LocalJsonContext.Default.SweepProgress) : null;
        }, cancellationToken);

    public Task SetSweepProgressAsync(SweepProgress progress, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var upsert = sql.Command("INSERT INTO sweep_progress (id, progress) VALUES (1, $p) ON CONFLICT (id) DO UPDATE SET progress = excluded.progress",
                ("$p", JsonSerializer.Serialize(progress, LocalJsonContext.Default.SweepProgress)));
            return upsert.ExecuteNonQuery();
        }, cancellationToken);

    private static string ScopedKey(string caller, string key) => $"{caller}#{key}";

    private static TaskRecord ReadTask(Microsoft.Data.Sqlite.SqliteDataReader row) =>
        WithHeaderNamesCaseInsensitive(JsonSerializer.Deserialize(row.GetString(0), LocalJsonContext.Default.TaskRecord)!);

    private static TaskRecord? Read(SqlSession sql, string taskId)
    {
        var query = sql.Command("SELECT json FROM tasks WHERE task_id = $id", ("$id", taskId));
        return query.ExecuteScalar() is string json ? WithHeaderNamesCaseInsensitive(JsonSerializer.Deserialize(json, LocalJsonContext.Default.TaskRecord)!) : null;
    }

    private static void Write(SqlSession sql, TaskRecord task)
    {
        var update = sql.Command("UPDATE tasks SET status = $s, sweep_at = $sweep, json = $j WHERE task_id = $id",
            ("$s", TaskStateMachine.Name(task.Status)), ("$sweep", Timestamps.Format(task.SweepAt)), ("$j", JsonSerializer.Serialize(task, LocalJsonContext.Default.TaskRecord)), ("$id", task.TaskId));
        update.ExecuteNonQuery();
    }

    // HTTP header names are case-insensitive, as the DynamoDB store reads them back.
    private static TaskRecord WithHeaderNamesCaseInsensitive(TaskRecord task) =>
        task with { Headers = new Dictionary<string, string>(task.Headers, StringComparer.OrdinalIgnoreCase) };
}
