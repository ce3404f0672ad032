using Microsoft.Data.Sqlite;

namespace Functions.Local.Embedded;

/// <summary>
/// The embedded store of the local runner: one SQLite file under the data folder (.local/ by default), so
/// tasks, schedules and queued wake-ups survive a restart. One connection, one writer at a time (an async
/// lock): every read-check-write below is atomic, as DynamoDB's conditional writes are.
/// </summary>
public sealed class LocalDatabase : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public LocalDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS tasks (
                task_id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at TEXT NOT NULL, json TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status, created_at DESC, task_id DESC);
            CREATE INDEX IF NOT EXISTS tasks_by_created ON tasks (created_at DESC, task_id DESC);
            CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, task_id TEXT NOT NULL, fingerprint TEXT);
            CREATE TABLE IF NOT EXISTS schedules (
                group_name TEXT NOT NULL, name TEXT NOT NULL, fire_at INTEGER NOT NULL, request TEXT NOT NULL,
                failures INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (group_name, name));
            CREATE INDEX IF NOT EXISTS schedules_due ON schedules (fire_at);
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, body TEXT NOT NULL,
                visible_at INTEGER NOT NULL, receives INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS messages_due ON messages (queue, visible_at);
            CREATE TABLE IF NOT EXISTS callbacks (
                webhook_id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS api_keys (
                key_id TEXT PRIMARY KEY, caller TEXT NOT NULL, is_admin INTEGER NOT NULL, key_hash TEXT NOT NULL,
                created_at TEXT NOT NULL, last_used_on TEXT, revoked_at TEXT);
            CREATE TABLE IF NOT EXISTS callers (
                name TEXT PRIMARY KEY, generation INTEGER NOT NULL, previous_generation INTEGER, previous_until TEXT);
            CREATE TABLE IF NOT EXISTS sweep_progress (id INTEGER PRIMARY KEY CHECK (id = 1), progress TEXT NOT NULL);
            """);

        // Data folders from before callers: their tasks and idempotency keys are the bootstrap (admin) caller's, and
        // each task gets its sweep time.
        if (AddColumnIfMissing("tasks", "caller", "TEXT NOT NULL DEFAULT 'admin'"))
        {
            Execute("UPDATE idempotency SET key = 'admin#' || key");
        }

        if (AddColumnIfMissing("tasks", "sweep_at", "TEXT NOT NULL DEFAULT ''"))
        {
            BackfillSweepTimes();
        }
        Execute("""
            CREATE INDEX IF NOT EXISTS tasks_by_caller ON tasks (caller, created_at DESC, task_id DESC);
            CREATE INDEX IF NOT EXISTS tasks_by_sweep ON tasks (sweep_at);
            """);
    }

    /// <summary>Adds the column when the table lacks it; whether it did.</summary>
    private bool AddColumnIfMissing(string table, string column, string definition)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0)
        {
            return false;
        }

        Execute($"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        return true;
    }

    private void BackfillSweepTimes()
    {
        var rows = new List<(string Id, string SweepAt)>();
        using (var read = _connection.CreateCommand())
        {
            read.CommandText = "SELECT task_id, json FROM tasks WHERE sweep_at = ''";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                using var json = System.Text.Json.JsonDocument.Parse(reader.GetString(1));
                var runAt = json.RootElement.GetProperty(nameof(Functions.Tasks.TaskRecord.RunAt)).GetDateTimeOffset();
                rows.Add((reader.GetString(0), Functions.Tasks.Timestamps.Format(runAt + Functions.Tasks.TaskRecord.LostAfter)));
            }
        }

        foreach (var (id, sweepAt) in rows)
        {
            using var update = _connection.CreateCommand();
            update.CommandText = "UPDATE tasks SET sweep_at = $s WHERE task_id = $id";
            update.Parameters.AddWithValue("$s", sweepAt);
            update.Parameters.AddWithValue("$id", id);
            update.ExecuteNonQuery();
        }
    }

    /// <summary>Runs <paramref name="work"/> alone on the connection, inside one transaction.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            var result = work(_connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }
}

internal static class SqliteExtensions
{
    public static SqliteCommand Command(this SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
