using Functions.Local.Embedded;
using Functions.Tasks;
using Functions.Tasks.Recurring;
using Functions.Tasks.Requests;
using Functions.Tests.Support;
using Functions.TaskStore;

namespace Functions.Tests.Integration;

/// <summary>
/// The contract of <see cref="IScheduleStore"/> (and of the task store's runs), run against the DynamoDB store on
/// moto and the local runner's SQLite store: the item as written, version-conditional writes, idempotency keys per
/// caller, listings newest first with cursors, stalled chains for the sweeper, one run per id.
/// </summary>
public abstract class ScheduleStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    protected IScheduleStore Store { get; private set; } = null!;

    protected ITaskStore Tasks { get; private set; } = null!;

    protected abstract Task<(IScheduleStore Schedules, ITaskStore Tasks)> CreateStoresAsync();

    public async Task InitializeAsync() => (Store, Tasks) = await CreateStoresAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static RecurringSchedule NewSchedule(string caller = "billing", string? key = null, DateTimeOffset? createdAt = null, ScheduleState state = ScheduleState.Enabled, DateTimeOffset? next = null) => new()
    {
        ScheduleId = ScheduleIds.New(),
        Caller = caller,
        Name = "weekday-report",
        Expression = "cron(0 9 ? * MON-FRI *)",
        TimeZone = "Asia/Seoul",
        StartAt = Now,
        EndAt = Now.AddDays(30),
        Anchor = Now,
        Target = new TaskTarget("https://example.com/report", "PUT", new Dictionary<string, string> { ["X-Tenant"] = "acme" }, """{"report": "daily", "note": "héllo"}""", 4, 20),
        CatchUp = CatchUpPolicy.None,
        Overlap = OverlapPolicy.Skip,
        State = state,
        NextRunAt = state == ScheduleState.Enabled ? next ?? Now.AddHours(1) : null,
        IdempotencyKey = key,
        CreatedAt = createdAt ?? Now,
        UpdatedAt = createdAt ?? Now,
    };

    [Fact]
    public async Task ACreatedSchedule_ReadsBackAsWritten()
    {
        var run = new ScheduleRun(ScheduleIds.RunId("s", Now), Now, Now.AddSeconds(3), Now, Late: true);
        var schedule = NewSchedule() with { LastRun = run, Skipped = [new SkippedRun(Now.AddMinutes(-5), "overlap")], SkippedCount = 7 };

        Assert.True((await Store.CreateAsync(schedule, null, None)).Created);
        var read = await Store.GetAsync(schedule.ScheduleId, None);

        Assert.NotNull(read);
        Assert.Equal(schedule with { Target = read.Target, Skipped = read.Skipped }, read);
        Assert.Equal(schedule.Target with { Headers = read.Target.Headers }, read.Target);
        Assert.Equal("acme", read.Target.Headers["X-Tenant"]);
        Assert.Equal(schedule.Skipped, read.Skipped);
        Assert.Null(await Store.GetAsync(ScheduleIds.New(), None));
    }

    [Fact]
    public async Task AReplace_IsConditionalOnTheVersionRead_AndBumpsIt()
    {
        var schedule = NewSchedule();
        await Store.CreateAsync(schedule, null, None);

        var first = await Store.ReplaceAsync(schedule with { State = ScheduleState.Paused, NextRunAt = null }, None);
        var stale = await Store.ReplaceAsync(schedule with { Name = "lost update" }, None);
        var second = await Store.ReplaceAsync(first! with { Name = "renamed" }, None);

        Assert.Equal(1, first!.Version);
        Assert.Null(stale);
        Assert.Equal(2, second!.Version);
        var read = await Store.GetAsync(schedule.ScheduleId, None);
        Assert.Equal(("renamed", ScheduleState.Paused, 2), (read!.Name, read.State, read.Version));
        Assert.Null(await Store.ReplaceAsync(NewSchedule(), None));
    }

    [Fact]
    public async Task AnIdempotencyKey_NamesItsFirstSchedule_PerCaller_UntilThatScheduleIsDeleted()
    {
        var key = "k-" + Guid.NewGuid().ToString("N");
        var first = NewSchedule(key: key);
        var second = NewSchedule(key: key);
        var otherCaller = NewSchedule(caller: "shipping", key: key);

        Assert.True((await Store.CreateAsync(first, "fp-1", None)).Created);
        var taken = await Store.CreateAsync(second, "fp-2", None);
        Assert.True((await Store.CreateAsync(otherCaller, "fp-3", None)).Created);

        Assert.Equal((false, first.ScheduleId, "fp-1"), (taken.Created, taken.ExistingId, taken.ExistingFingerprint));
        Assert.Null(await Store.GetAsync(second.ScheduleId, None));
        Assert.True(await Store.DeleteAsync(first, None));
        Assert.False(await Store.DeleteAsync(first, None));
        Assert.Null(await Store.GetAsync(first.ScheduleId, None));
        Assert.True((await Store.CreateAsync(second, "fp-2", None)).Created);
    }

    [Fact]
    public async Task TheList_ShowsOneCallersSchedules_NewestFirst_ByState_APageAtATime()
    {
        var caller = "c" + Guid.NewGuid().ToString("N")[..10];
        var made = new List<RecurringSchedule>();
        for (var i = 0; i < 5; i++)
        {
            var schedule = NewSchedule(caller, createdAt: Now.AddMinutes(i), state: i % 2 == 0 ? ScheduleState.Enabled : ScheduleState.Paused);
            await Store.CreateAsync(schedule, null, None);
            made.Add(schedule);
        }

        await Store.CreateAsync(NewSchedule("someone-else"), null, None);

        var first = await Store.ListAsync(caller, null, 3, null, None);
        var rest = await Store.ListAsync(caller, null, 3, first.NextCursor, None);
        var paused = new List<RecurringSchedule>();
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(caller, ScheduleState.Paused, 1, cursor, None);
            paused.AddRange(page.Schedules);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(made.Select(s => s.ScheduleId).Reverse(), first.Schedules.Concat(rest.Schedules).Select(s => s.ScheduleId));
        Assert.Null(rest.NextCursor);
        Assert.Equal([made[3].ScheduleId, made[1].ScheduleId], paused.Select(s => s.ScheduleId));
        await Assert.ThrowsAsync<FormatException>(() => Store.ListAsync(caller, ScheduleState.Enabled, 3, first.NextCursor, None));
        await Assert.ThrowsAsync<FormatException>(() => Store.ListAsync(caller, null, 3, "bm90IG91cnM=", None));
    }

    [Fact]
    public async Task StalledSchedules_AreTheEnabledOnesStillWaitingFiveMinutesPastTheirOccurrence()
    {
        var stalled = NewSchedule(next: Now.AddMinutes(-6));
        var onTime = NewSchedule(next: Now.AddMinutes(-1));
        var paused = NewSchedule(state: ScheduleState.Paused);
        foreach (var schedule in new[] { stalled, onTime, paused })
        {
            await Store.CreateAsync(schedule, null, None);
        }

        var listed = await Store.ListStalledAsync(Now, None);

        Assert.Contains(stalled.ScheduleId, listed);
        Assert.DoesNotContain(onTime.ScheduleId, listed);
        Assert.DoesNotContain(paused.ScheduleId, listed);

        // Moving on (the chain fired) takes it off the list.
        await Store.ReplaceAsync(stalled with { NextRunAt = Now.AddMinutes(1) }, None);
        Assert.DoesNotContain(stalled.ScheduleId, await Store.ListStalledAsync(Now, None));
    }

    [Fact]
    public async Task ARun_IsCreatedOnce_AndTheSchedulesRunsListNewestFirst_WithoutOneTimeTasks()
    {
        var scheduleId = ScheduleIds.New();
        var runs = new List<TaskRecord>();
        for (var i = 0; i < 3; i++)
        {
            var occurrence = Now.AddMinutes(i);
            var run = NewTask(ScheduleIds.RunId(scheduleId, occurrence), occurrence) with { ScheduleId = scheduleId, Occurrence = occurrence, Late = i == 1 };
            Assert.True((await Tasks.CreateAsync(run, null, None)).Created);
            runs.Add(run);
        }

        var again = await Tasks.CreateAsync(runs[0] with { Url = "https://example.com/changed" }, null, None);
        await Tasks.CreateAsync(NewTask(TaskIds.New(), Now.AddMinutes(5)), null, None);
        var first = await Tasks.ListRunsAsync(scheduleId, 2, null, None);
        var rest = await Tasks.ListRunsAsync(scheduleId, 2, first.NextCursor, None);

        Assert.Equal((false, runs[0].TaskId), (again.Created, again.ExistingId));
        Assert.Equal("https://example.com/report", (await Tasks.GetAsync(runs[0].TaskId, None))!.Url);
        Assert.Equal(runs.Select(r => r.TaskId).Reverse(), first.Tasks.Concat(rest.Tasks).Select(t => t.TaskId));
        Assert.Null(rest.NextCursor);
        var late = first.Tasks[1];
        Assert.Equal((scheduleId, Now.AddMinutes(1), true), (late.ScheduleId, late.Occurrence, late.Late));
        Assert.Empty((await Tasks.ListRunsAsync(ScheduleIds.New(), 10, null, None)).Tasks);
        await Assert.ThrowsAsync<FormatException>(() => Tasks.ListRunsAsync(ScheduleIds.New(), 2, first.NextCursor, None));
    }

    private static TaskRecord NewTask(string id, DateTimeOffset createdAt) => new()
    {
        TaskId = id,
        Caller = "billing",
        Status = TaskState.Pending,
        RunAt = createdAt,
        Url = "https://example.com/report",
        Method = "POST",
        Headers = new Dictionary<string, string>(),
        Data = "{}",
        MaxAttempts = 3,
        TimeoutSeconds = 30,
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
    };
}

/// <summary>The contract against the DynamoDB stores, on moto_server (a fresh table per test).</summary>
[Collection(MotoGroup.Name)]
public sealed class DynamoScheduleStoreContractTests(MotoServer moto) : ScheduleStoreContract
{
    protected override async Task<(IScheduleStore Schedules, ITaskStore Tasks)> CreateStoresAsync()
    {
        var table = "schedules-" + Guid.NewGuid().ToString("N")[..12];
        var dynamoDb = moto.DynamoDb();
        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, table, CancellationToken.None);
        var settings = new TaskStoreSettings(table, TimeSpan.FromDays(30));
        return (new DynamoScheduleStore(dynamoDb, settings), new DynamoTaskStore(dynamoDb, settings, TimeProvider.System));
    }
}

/// <summary>The contract against the local runner's SQLite stores (a fresh file per test).</summary>
public sealed class SqliteScheduleStoreContractTests : ScheduleStoreContract, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"schedules-{Guid.NewGuid():N}.db");
    private LocalDatabase? _database;

    protected override Task<(IScheduleStore Schedules, ITaskStore Tasks)> CreateStoresAsync()
    {
        _database = new LocalDatabase(_path);
        return Task.FromResult<(IScheduleStore, ITaskStore)>((new LocalScheduleStore(_database), new LocalTaskStore(_database, TimeProvider.System)));
    }

    public void Dispose()
    {
        _database?.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
