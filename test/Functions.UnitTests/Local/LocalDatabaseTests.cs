using Functions.Local.Embedded;

namespace Functions.UnitTests.Local;

/// <summary>
/// The runner's one writer: work that finds the connection free runs at once; work that queues behind a busy
/// connection runs in batches, each piece atomic on its own, claims first. A piece of work here holds the
/// connection until the test lets it go, so what queues behind it is known; nothing waits on a timer.
/// </summary>
public sealed class LocalDatabaseTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"local-database-{Guid.NewGuid():N}.db");
    private readonly LocalDatabase _database;

    public LocalDatabaseTests() => _database = new LocalDatabase(_path);

    [Fact]
    public void WorkOnAnIdleDatabase_IsDoneWhenRunAsyncReturns()
    {
        var work = _database.RunAsync(sql => Insert(sql, "a"));

        Assert.True(work.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WorkQueuedBehindABusyConnection_ThatThrows_UndoesOnlyItsOwnWrites()
    {
        using var busy = Hold();
        var first = _database.RunAsync(sql => Insert(sql, "a"));
        var failing = _database.RunAsync<int>(sql =>
        {
            Insert(sql, "b");
            throw new InvalidOperationException("refused");
        });
        var third = _database.RunAsync(sql => Insert(sql, "c"));
        Assert.False(first.IsCompleted);

        busy.Release();

        Assert.Equal(1, await first);
        Assert.Equal("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.Equal(1, await third);
        Assert.Equal(["a", "c"], await IdsAsync());
    }

    [Fact]
    public async Task UrgentWork_QueuedAfterOtherWork_RunsFirst()
    {
        var order = new List<string>();
        using var busy = Hold();
        var recording = _database.RunAsync(_ => Note(order, "outcome"));
        var claim = _database.RunAsync(_ => Note(order, "claim"), urgent: true);

        busy.Release();
        await Task.WhenAll(recording, claim);

        Assert.Equal(["claim", "outcome"], order);
    }

    [Fact]
    public async Task QueuedWork_CancelledBeforeItRuns_IsCancelled_AndWritesNothing()
    {
        using var cancel = new CancellationTokenSource();
        using var busy = Hold();
        var work = _database.RunAsync(sql => Insert(sql, "a"), cancel.Token);
        await cancel.CancelAsync();

        busy.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
        Assert.Empty(await IdsAsync());
    }

    public void Dispose()
    {
        _database.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static int Insert(SqlSession sql, string id) =>
        sql.Command("INSERT INTO callbacks (webhook_id, kind, payload, received_at) VALUES ($id, 'test', '{}', 'now')", ("$id", id)).ExecuteNonQuery();

    private static int Note(List<string> order, string what)
    {
        order.Add(what);
        return 0;
    }

    private Task<List<string>> IdsAsync() =>
        _database.RunAsync(sql =>
        {
            using var reader = sql.Command("SELECT webhook_id FROM callbacks ORDER BY webhook_id").ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        });

    /// <summary>Work that holds the connection (on a thread of its own) until released; returns once it holds it.</summary>
    private Holder Hold()
    {
        var holder = new Holder();
        holder.Work = Task.Run(() => _database.RunAsync(_ =>
        {
            holder.Holding.Set();
            holder.Released.Wait(Patience);
            return 0;
        }));
        Assert.True(holder.Holding.Wait(Patience));
        return holder;
    }

    private sealed class Holder : IDisposable
    {
        public ManualResetEventSlim Holding { get; } = new();

        public ManualResetEventSlim Released { get; } = new();

        public Task Work { get; set; } = Task.CompletedTask;

        public void Release()
        {
            Released.Set();
            Work.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            Released.Set();
            Holding.Dispose();
            Released.Dispose();
        }
    }
}
