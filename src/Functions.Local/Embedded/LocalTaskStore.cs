using System.Text;
using System.Text.Json;
using Functions.Tasks;

namespace Functions.Local.Embedded;

/// <summary>
/// <see cref="ITaskStore"/> on the embedded database, held to the same contract as the DynamoDB store (the store
/// contract tests run against both): the state machine's legal sources for every move, the attempt check, the
/// claim rule (<see cref="TaskStateMachine.CanClaim"/>), idempotency keys. Tasks are kept as JSON
/// (<see cref="LocalJsonContext"/>).
/// </summary>
public sealed class LocalTaskStore(LocalDatabase database, TimeProvider time) : ITaskStore
{
    public Task<CreateOutcome> CreateAsync(TaskRecord task, string? fingerprint, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            if (task.IdempotencyKey is { } key)
            {
                var claim = sql.Command("INSERT INTO idempotency (key, task_id, fingerprint) VALUES ($k, $t, $f) ON CONFLICT (key) DO NOTHING", ("$k", key), ("$t", task.TaskId), ("$f", fingerprint));
                if (claim.ExecuteNonQuery() == 0)
                {
                    var read = sql.Command("SELECT task_id, fingerprint FROM idempotency WHERE key = $k", ("$k", key));
                    using var reader = read.ExecuteReader();
                    reader.Read();
                    return new CreateOutcome(false, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
                }
            }

            var insert = sql.Command(
                "INSERT INTO tasks (task_id, status, created_at, json) VALUES ($id, $s, $c, $j)",
                ("$id", task.TaskId), ("$s", TaskStateMachine.Name(task.Status)), ("$c", Timestamps.Format(task.CreatedAt)), ("$j", JsonSerializer.Serialize(task, LocalJsonContext.Default.TaskRecord)));
            insert.ExecuteNonQuery();
            return new CreateOutcome(true, null, null);
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

            var moved = current with
            {
                Status = target,
                UpdatedAt = time.GetUtcNow(),
                ScheduleArn = changes.ScheduleArn ?? current.ScheduleArn,
                ScheduleName = changes.ScheduleName ?? current.ScheduleName,
                RunAt = changes.RunAt ?? current.RunAt,
                LastStatusCode = changes.Result is { } result ? result.StatusCode : current.LastStatusCode,
                LastError = changes.Result is { } last ? last.StoredError : current.LastError,
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

    public Task ReleaseIdempotencyKeyAsync(string key, string taskId, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var delete = sql.Command("DELETE FROM idempotency WHERE key = $k AND task_id = $t", ("$k", key), ("$t", taskId));
            return delete.ExecuteNonQuery();
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

    public Task<TaskPage> ListAsync(TaskState? status, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var statusName = status is { } s ? TaskStateMachine.Name(s) : null;
        var (afterCreated, afterId) = cursor is null ? (null, null) : Decode(cursor, statusName);
        return database.RunAsync(sql =>
        {
            var text = new StringBuilder("SELECT json FROM tasks WHERE 1 = 1");
            if (statusName is not null)
            {
                text.Append(" AND status = $s");
            }

            if (afterCreated is not null)
            {
                text.Append(" AND (created_at < $c OR (created_at = $c AND task_id < $id))");
            }

            text.Append(" ORDER BY created_at DESC, task_id DESC LIMIT $limit");
            var query = sql.Command(text.ToString(), ("$s", statusName), ("$c", afterCreated), ("$id", afterId), ("$limit", limit + 1));
            using var reader = query.ExecuteReader();
            var tasks = new List<TaskRecord>();
            while (reader.Read())
            {
                tasks.Add(WithHeaderNamesCaseInsensitive(JsonSerializer.Deserialize(reader.GetString(0), LocalJsonContext.Default.TaskRecord)!));
            }

            string? next = null;
            if (tasks.Count > limit)
            {
                tasks.RemoveAt(limit);
                var last = tasks[^1];
                next = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{statusName}|{Timestamps.Format(last.CreatedAt)}|{last.TaskId}"));
            }

            return new TaskPage(tasks, next);
        }, cancellationToken);
    }

    private static (string Created, string Id) Decode(string cursor, string? status)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('|');
            if (parts.Length == 3 && parts[0] == (status ?? string.Empty) && parts[1].Length > 0 && parts[2].Length > 0)
            {
                return (parts[1], parts[2]);
            }
        }
        catch (FormatException)
        {
        }

        throw new FormatException("cursor is not one this API gave out, or belongs to a listing with another status.");
    }

    private static TaskRecord? Read(SqlSession sql, string taskId)
    {
        var query = sql.Command("SELECT json FROM tasks WHERE task_id = $id", ("$id", taskId));
        return query.ExecuteScalar() is string json ? WithHeaderNamesCaseInsensitive(JsonSerializer.Deserialize(json, LocalJsonContext.Default.TaskRecord)!) : null;
    }

    private static void Write(SqlSession sql, TaskRecord task)
    {
        var update = sql.Command("UPDATE tasks SET status = $s, json = $j WHERE task_id = $id", ("$s", TaskStateMachine.Name(task.Status)), ("$j", JsonSerializer.Serialize(task, LocalJsonContext.Default.TaskRecord)), ("$id", task.TaskId));
        update.ExecuteNonQuery();
    }

    // HTTP header names are case-insensitive, as the DynamoDB store reads them back.
    private static TaskRecord WithHeaderNamesCaseInsensitive(TaskRecord task) =>
        task with { Headers = new Dictionary<string, string>(task.Headers, StringComparer.OrdinalIgnoreCase) };
}
