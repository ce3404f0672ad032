using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Functions.Local.Embedded;

/// <summary>
/// The embedded store of the local runner: one SQLite file under the data folder (.local/ by default), so
/// tasks, schedules and queued wake-ups survive a restart. One connection and one writer at a time: every
/// read-check-write below runs alone, so it is atomic, as DynamoDB's conditional writes are.
/// </summary>
/// <remarks>
/// Group commit: a caller that finds the connection free and nothing waiting runs its work at once, on its own
/// thread (so an idle runner, and a test on a fake clock, see no hand-off). Work that arrives while the connection
/// is busy queues, and the writer thread runs everything queued in one transaction per batch, each piece of work
/// in a savepoint of its own so one that throws undoes only itself. A burst of wake-ups (thousands of claims in the
/// same second) then costs one commit per batch instead of one per claim, with no hand-off between two claims,
/// and without holding a thread-pool thread (two on two cores) for the whole burst. Every caller hears back only
/// after the commit that holds its work.
/// </remarks>
public sealed class LocalDatabase : IDisposable
{
    /// <summary>The most pieces of work one transaction takes: a commit at least every few milliseconds.</summary>
    public const int MaxBatch = 256;


    /// <summary>How often the WAL is copied back into the database file, off the writer's path.</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(500);

    private readonly SqliteConnection _connection;
    private readonly SqlSession _session;
    private readonly SqliteConnection _checkpoints;
    private readonly Timer _checkpointTimer;
    private readonly ConcurrentQueue<IWork> _urgent = new();
    private readonly ConcurrentQueue<IWork> _pending = new();
    private readonly List<IWork> _batch = new(MaxBatch);
    private readonly ManualResetEventSlim _queued = new();
    private readonly Thread _writer;
    private int _writing;
    private volatile bool _stopping;
    private bool _disposed;

    public LocalDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _session = new SqlSession(_connection);
        // WAL: readers never block the writer, and a commit appends without fsync (synchronous = NORMAL: a
        // power cut may lose the last commits, never corrupt the file; https://www.sqlite.org/wal.html).
        // The writer checkpoints only as a backstop (wal_autocheckpoint, in pages): a checkpoint fsyncs, and on
        // the writer's path it stalled every caller behind it by tens of milliseconds in a burst. A second
        // connection checkpoints instead, every half second, without blocking the writer (PASSIVE).
        // cache_size (negative: KiB): a burst's working set (10,000 tasks are ~10 MB) stays in memory.
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA wal_autocheckpoint = 20000;
            PRAGMA cache_size = -65536;
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
            CREATE TABLE IF NOT EXISTS recurring (
                schedule_id TEXT PRIMARY KEY, caller TEXT NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL,
                sweep_at TEXT, version INTEGER NOT NULL, json TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS recurring_by_caller ON recurring (caller, created_at DESC, schedule_id DESC);
            CREATE INDEX IF NOT EXISTS recurring_by_sweep ON recurring (sweep_at);
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
        AddColumnIfMissing("tasks", "run_of", "TEXT");
        Execute("""
            CREATE INDEX IF NOT EXISTS tasks_by_run_of ON tasks (run_of, created_at DESC, task_id DESC) WHERE run_of IS NOT NULL;
            CREATE INDEX IF NOT EXISTS tasks_by_caller ON tasks (caller, created_at DESC, task_id DESC);
            CREATE INDEX IF NOT EXISTS tasks_by_sweep ON tasks (sweep_at);
            """);

        _checkpoints = new SqliteConnection(connectionString);
        _checkpoints.Open();
        _checkpointTimer = new Timer(_ => Checkpoint(), null, CheckpointInterval, CheckpointInterval);
        _writer = new Thread(WriteQueued) { IsBackground = true, Name = "runner database writer" };
        _writer.Start();
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

    /// <summary>
    /// Runs <paramref name="work"/> alone on the connection, inside a transaction; its effects are committed
    /// before the returned task completes. <paramref name="cancellationToken"/> cancels it only while it waits.
    /// </summary>
    public Task<T> RunAsync<T>(Func<SqlSession, T> work, CancellationToken cancellationToken = default) => RunAsync(work, urgent: false, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{SqlSession, T}, CancellationToken)"/>; <paramref name="urgent"/> work goes
    /// before everything that waits without being urgent. Any order of work that waits is a correct one (none of
    /// it has been answered yet); this one lets what stands between a due task and its call go first.
    /// </summary>
    public Task<T> RunAsync<T>(Func<SqlSession, T> work, bool urgent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var item = new Work<T>(work, cancellationToken);
        if (_urgent.IsEmpty && _pending.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            try
            {
                _batch.Clear();
                Add(item);
                RunBatch();
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
        else
        {
            (urgent ? _urgent : _pending).Enqueue(item);
            _queued.Set();
            if (_stopping)
            {
                // Disposed meanwhile: nothing will run it.
                Drain();
            }
        }

        return item.Result.Task;
    }

    /// <summary>The writer thread: whenever work is queued, runs it batch after batch until the queues are empty.</summary>
    private void WriteQueued()
    {
        while (!_stopping)
        {
            _queued.Wait();
            _queued.Reset();
            Drain();
        }
    }

    /// <summary>Takes the connection (waiting out a caller running its own work) and runs everything queued.</summary>
    private void Drain()
    {
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            spin.SpinOnce();
        }

        try
        {
            while (TakeBatch())
            {
                RunBatch();
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private bool TakeBatch()
    {
        _batch.Clear();
        while (_batch.Count < MaxBatch && (_urgent.TryDequeue(out var item) || _pending.TryDequeue(out item)))
        {
            Add(item);
        }

        return _batch.Count > 0 || !(_urgent.IsEmpty && _pending.IsEmpty);
    }

    private void Add(IWork item)
    {
        if (item.CancellationToken.IsCancellationRequested)
        {
            item.Cancel();
        }
        else
        {
            _batch.Add(item);
        }
    }

    private void RunBatch()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            _session.Transaction = transaction;
            if (_batch.Count == 1)
            {
                // Alone: the transaction is its savepoint (a throw rolls it back on dispose).
                _batch[0].Run(_session);
            }
            else
            {
                foreach (var item in _batch)
                {
                    _session.Execute("SAVEPOINT work");
                    try
                    {
                        item.Run(_session);
                    }
                    catch (Exception ex)
                    {
                        _session.Execute("ROLLBACK TO work");
                        item.Fail(ex);
                    }

                    _session.Execute("RELEASE work");
                }
            }

            transaction.Commit();
        }
        catch (Exception ex)
        {
            // Nothing of the batch was committed: every caller hears why (one that threw, its own exception).
            foreach (var item in _batch)
            {
                item.Fail(ex);
            }
        }

        foreach (var item in _batch)
        {
            item.Complete();
        }
    }

    private void Checkpoint()
    {
        lock (_checkpoints)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                using var command = _checkpoints.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                command.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Skipped this time (the file is busy or gone); the next one, or the writer's backstop, catches up.
            }
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
        // The writer finishes what is queued; whatever comes after fails instead of touching a closed connection.
        _stopping = true;
        _queued.Set();
        _writer.Join();
        _checkpointTimer.Dispose();
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            spin.SpinOnce();
        }

        lock (_checkpoints)
        {
            _disposed = true;
            _checkpoints.Dispose();
        }

        _connection.Dispose();
        Volatile.Write(ref _writing, 0);
        Drain();
    }

    private interface IWork
    {
        CancellationToken CancellationToken { get; }

        void Run(SqlSession session);

        void Complete();

        void Fail(Exception exception);

        void Cancel();
    }

    /// <summary>One caller's work; its result or exception is handed over once the batch is settled.</summary>
    private sealed class Work<T>(Func<SqlSession, T> work, CancellationToken cancellationToken) : IWork
    {
        private T? _value;
        private Exception? _exception;

        // Continuations never run on the thread that holds the connection: it has the rest of the batch to finish.
        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken CancellationToken => cancellationToken;

        public void Run(SqlSession session) => _value = work(session);

        public void Complete()
        {
            if (_exception is null)
            {
                Result.TrySetResult(_value!);
            }
            else
            {
                Result.TrySetException(_exception);
            }
        }

        public void Fail(Exception exception) => _exception ??= exception;

        public void Cancel() => Result.TrySetCanceled(cancellationToken);
    }
}
