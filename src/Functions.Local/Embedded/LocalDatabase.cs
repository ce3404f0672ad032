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
            """);
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
