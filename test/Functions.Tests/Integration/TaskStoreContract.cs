using Functions.Local.Embedded;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Functions.Tests.Support;
using Functions.TaskStore;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Integration;

/// <summary>
/// The contract of <see cref="ITaskStore"/>, run against every implementation: the DynamoDB store (on moto) and
/// the local runner's SQLite store. Every move of the state machine, the attempt check, the claim rule and its
/// lease, the pair of last results, idempotency keys and the listing must behave the same in both.
/// </summary>
public abstract class TaskStoreContract : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    protected ITaskStore Store { get; private set; } = null!;

    protected abstract Task<ITaskStore> CreateStoreAsync();

    /// <summary>
    /// Whether the backend applies a conditional write atomically, so that racing writers can be raced here. DynamoDB
    /// does; moto does not (its UpdateItem reads, checks the condition and writes with no lock, so two racing claims
    /// can both pass there, as a CI run showed once): on moto the racers go one at a time, and the condition must still
    /// refuse all but the first.
    /// </summary>
    protected virtual bool RacesAreAtomic => true;

    /// <summary>Runs the racers at once where the backend is atomic, else one after another.</summary>
    protected async Task<T[]> RaceAsync<T>(int count, Func<Task<T>> racer)
    {
        if (RacesAreAtomic)
        {
            return await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(racer)));
        }

        var results = new T[count];
        for (var i = 0; i < count; i++)
        {
            results[i] = await racer();
        }

        return results;
    }

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly CancellationToken None = CancellationToken.None;

    private TaskRecord NewTask(TaskState status = TaskState.Pending, DateTimeOffset? runAt = null, string? key = null, int attempts = 0, string caller = Caller.BootstrapName) => new()
    {
        TaskId = TaskIds.New(),
        Caller = caller,
        Status = status,
        RunAt = runAt ?? Clock.GetUtcNow(),
        Url = "https://example.com/hook?x=1",
        Method = "PUT",
        Headers = new Dictionary<string, string> { ["X-Tenant"] = "acme" },
        Data = """{"order": 42, "note": "héllo"}""",
        MaxAttempts = 3,
        TimeoutSeconds = 30,
        Attempts = attempts,
        CreatedAt = Clock.GetUtcNow(),
        UpdatedAt = Clock.GetUtcNow(),
        ScheduleName = "task-x",
        IdempotencyKey = key,
    };

    private async Task<TaskRecord> CreatedAsync(TaskState status = TaskState.Pending, DateTimeOffset? runAt = null, int attempts = 0, string caller = Caller.BootstrapName)
    {
        var task = NewTask(status, runAt, attempts: attempts, caller: caller);
        Assert.True((await Store.CreateAsync(task, null, None)).Created);
        return task;
    }

    [Fact]
    public async Task ACreatedTask_ReadsBackAsWritten()
    {
        var task = NewTask(key: "k-" + Guid.NewGuid().ToString("N"));

        var created = await Store.CreateAsync(task, "fingerprint", None);
        var read = await Store.GetAsync(task.TaskId, None);

        Assert.True(created.Created);
        Assert.NotNull(read);
        Assert.Equal(task.TaskId, read.TaskId);
        Assert.Equal(TaskState.Pending, read.Status);
        Assert.Equal(task.RunAt, read.RunAt);
        Assert.Equal(task.Url, read.Url);
        Assert.Equal("PUT", read.Method);
        Assert.Equal("acme", read.Headers["x-tenant"]);
        Assert.Equal(task.Data, read.Data);
        Assert.Equal(3, read.MaxAttempts);
        Assert.Equal(30, read.TimeoutSeconds);
        Assert.Equal(0, read.Attempts);
        Assert.Equal(task.CreatedAt, read.CreatedAt);
        Assert.Equal("task-x", read.ScheduleName);
        Assert.Equal(task.IdempotencyKey, read.IdempotencyKey);
        Assert.Null(read.LastStatusCode);
        Assert.Null(read.LastError);
        Assert.Null(await Store.GetAsync(TaskIds.New(), None));
    }

    [Fact]
    public async Task RacingCreatesWithOneKey_WriteOneTask_AndTheOthersGetIt()
    {
        var key = "race-" + Guid.NewGuid().ToString("N");

        var outcomes = await RaceAsync(8, async () =>
        {
            var task = NewTask(key: key);
            return (task.TaskId, Outcome: await Store.CreateAsync(task, "fp", None));
        });

        var winner = Assert.Single(outcomes, o => o.Outcome.Created);
        Assert.All(outcomes.Where(o => !o.Outcome.Created), o => Assert.Equal((winner.TaskId, "fp"), (o.Outcome.ExistingId, o.Outcome.ExistingFingerprint)));
        Assert.Equal([winner.TaskId], (await Store.GetManyAsync([.. outcomes.Select(o => o.TaskId)], None)).Select(t => t.TaskId));
    }

    [Fact]
    public async Task AnIdempotencyKey_NamesItsFirstTask_UntilThatTaskReleasesIt()
    {
        var key = "k-" + Guid.NewGuid().ToString("N");
        var first = NewTask(key: key);
        var second = NewTask(key: key);
        var third = NewTask(key: key);

        Assert.True((await Store.CreateAsync(first, "fp-1", None)).Created);
        var taken = await Store.CreateAsync(second, "fp-2", None);
        await Store.ReleaseIdempotencyKeyAsync(Caller.BootstrapName, key, second.TaskId, None);
        var stillTaken = await Store.CreateAsync(second, "fp-2", None);
        await Store.ReleaseIdempotencyKeyAsync("billing", key, first.TaskId, None);
        var otherCallersKeyIsAnother = await Store.CreateAsync(second, "fp-2", None);
        await Store.ReleaseIdempotencyKeyAsync(Caller.BootstrapName, key, first.TaskId, None);
        var freed = await Store.CreateAsync(third, "fp-3", None);

        Assert.Equal(new CreateOutcome(false, first.TaskId, "fp-1"), taken);
        Assert.Equal(new CreateOutcome(false, first.TaskId, "fp-1"), stillTaken);
        Assert.Equal(new CreateOutcome(false, first.TaskId, "fp-1"), otherCallersKeyIsAnother);
        Assert.True(freed.Created);
        Assert.Null(await Store.GetAsync(second.TaskId, None));
    }

    [Fact]
    public async Task IdempotencyKeys_ArePerCaller()
    {
        var key = "k-" + Guid.NewGuid().ToString("N");
        var billing = NewTask(key: key, caller: "billing");
        var emails = NewTask(key: key, caller: "emails");

        Assert.True((await Store.CreateAsync(billing, "fp-b", None)).Created);
        Assert.True((await Store.CreateAsync(emails, "fp-e", None)).Created);
        Assert.Equal(new CreateOutcome(false, billing.TaskId, "fp-b"), await Store.CreateAsync(NewTask(key: key, caller: "billing"), "fp-b", None));
        Assert.Equal("emails", (await Store.GetAsync(emails.TaskId, None))!.Caller);
    }

    public static TheoryData<TaskState, TaskState> EveryPair()
    {
        var pairs = new TheoryData<TaskState, TaskState>();
        foreach (var from in Enum.GetValues<TaskState>())
        {
            foreach (var to in Enum.GetValues<TaskState>())
            {
                pairs.Add(from, to);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public async Task AMove_HappensExactlyWhenTheStateMachineAllowsIt(TaskState from, TaskState to)
    {
        var task = await CreatedAsync(from);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var outcome = await Store.MoveAsync(task.TaskId, to, new TaskChanges(), None);

        var legal = TaskStateMachine.CanMove(from, to);
        Assert.Equal(legal, outcome.Moved);
        Assert.Equal(legal ? to : from, outcome.Task!.Status);
        var stored = await Store.GetAsync(task.TaskId, None);
        Assert.Equal(legal ? to : from, stored!.Status);
        Assert.Equal(legal ? Clock.GetUtcNow() : task.UpdatedAt, stored.UpdatedAt);
    }

    [Fact]
    public async Task AMoveOfAnUnknownTask_IsRefusedWithNoTask()
    {
        var outcome = await Store.MoveAsync(TaskIds.New(), TaskState.Cancelled, new TaskChanges(), None);

        Assert.False(outcome.Moved);
        Assert.Null(outcome.Task);
    }

    [Fact]
    public async Task AMoveExpectingAnotherAttempt_IsRefused_SoAStaleWorkerCannotOverwriteANewerOne()
    {
        var task = await CreatedAsync(TaskState.Running, attempts: 2);

        var stale = await Store.MoveAsync(task.TaskId, TaskState.Succeeded, new TaskChanges { ExpectedAttempts = 1 }, None);
        var current = await Store.MoveAsync(task.TaskId, TaskState.Succeeded, new TaskChanges { ExpectedAttempts = 2 }, None);

        Assert.False(stale.Moved);
        Assert.Equal(TaskState.Running, stale.Task!.Status);
        Assert.True(current.Moved);
    }

    [Fact]
    public async Task AMove_WritesItsChanges()
    {
        var task = await CreatedAsync(TaskState.Running, attempts: 1);
        var retryAt = Clock.GetUtcNow().AddSeconds(42);

        var moved = await Store.MoveAsync(task.TaskId, TaskState.Retrying, new TaskChanges { RunAt = retryAt, ScheduleName = "task-x-2", ScheduleArn = "arn:x", Result = new LastResult(503, "HTTP 503") }, None);

        var stored = await Store.GetAsync(task.TaskId, None);
        Assert.True(moved.Moved);
        Assert.Equal(retryAt, stored!.RunAt);
        Assert.Equal("task-x-2", stored.ScheduleName);
        Assert.Equal("arn:x", stored.ScheduleArn);
        Assert.Equal(503, stored.LastStatusCode);
        Assert.Equal("HTTP 503", stored.LastError);
        Assert.Equal(1, stored.Attempts);
    }

    [Fact]
    public async Task AnAttemptLog_IsWrittenWithAMove_AndReadsBackAsWritten()
    {
        var task = await CreatedAsync(TaskState.Running, attempts: 2);
        var first = new TaskAttempt { Attempt = 1, StartedAt = Clock.GetUtcNow().AddSeconds(-40), DurationMs = 12.5, StatusCode = 503, ErrorKind = AttemptErrors.HttpStatus, Error = "HTTP 503", Response = "busy \"now\" — 잠시 후", ResponseBytes = 20, Outcome = "retrying", NextRetryAt = Clock.GetUtcNow() };
        var second = new TaskAttempt { Attempt = 2, Retry = 1, StartedAt = Clock.GetUtcNow(), ErrorKind = AttemptErrors.Timeout, Error = "Timed out after 30 s", ResponseBytes = 4096, Outcome = "failed" };

        await Store.MoveAsync(task.TaskId, TaskState.Failed, new TaskChanges { AttemptLog = [first, second], ExpectedAttempts = 2 }, None);

        Assert.Equal([first, second], (await Store.GetAsync(task.TaskId, None))!.AttemptLog);
        Assert.Empty(task.AttemptLog);
    }

    [Theory]
    [InlineData(TaskState.Failed)]
    [InlineData(TaskState.Succeeded)]
    public async Task ARetry_MovesAFinishedTaskBackToPending_WithAFreshBudget_AndItIsListedUnfinishedAgain(TaskState final)
    {
        var task = await CreatedAsync(final, attempts: 3);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var runAt = Clock.GetUtcNow().AddMinutes(5);
        var mine = new TaskFilter(Caller.BootstrapName, final);

        var stale = await Store.MoveAsync(task.TaskId, TaskState.Pending, new TaskChanges { StartsRetry = true, ExpectedAttempts = 2, RunAt = runAt }, None);
        var moved = await Store.MoveAsync(task.TaskId, TaskState.Pending, new TaskChanges { StartsRetry = true, ExpectedAttempts = 3, RunAt = runAt, ScheduleName = "task-x-4" }, None);

        Assert.False(stale.Moved);
        Assert.True(moved.Moved);
        var stored = (await Store.GetAsync(task.TaskId, None))!;
        Assert.Equal((TaskState.Pending, 3, 1, 3, Clock.GetUtcNow(), runAt, "task-x-4"), (stored.Status, stored.Attempts, stored.Retries, stored.AttemptsBefore, stored.RetriedAt, stored.RunAt, stored.ScheduleName));
        Assert.True(stored.HasAttemptsLeft);
        Assert.Empty((await Store.ListAsync(mine, 10, null, None)).Tasks);
        Assert.Equal([task.TaskId], (await Store.ListAsync(new TaskFilter(Caller.BootstrapName, TaskState.Pending), 10, null, None)).Tasks.Select(t => t.TaskId));
    }

    [Fact]
    public async Task ALastResult_ReplacesBothFields_StatusAndError()
    {
        var task = await CreatedAsync(TaskState.Running, attempts: 1);
        await Store.MoveAsync(task.TaskId, TaskState.Retrying, new TaskChanges { Result = new LastResult(500, "HTTP 500") }, None);
        await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(1), None);

        await Store.MoveAsync(task.TaskId, TaskState.Retrying, new TaskChanges { Result = new LastResult(null, "Timed out after 30 s") }, None);
        var withoutStatus = await Store.GetAsync(task.TaskId, None);
        await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(1), None);
        await Store.MoveAsync(task.TaskId, TaskState.Succeeded, new TaskChanges { Result = new LastResult(200, null) }, None);
        var succeeded = await Store.GetAsync(task.TaskId, None);

        Assert.Null(withoutStatus!.LastStatusCode);
        Assert.Equal("Timed out after 30 s", withoutStatus.LastError);
        Assert.Equal(200, succeeded!.LastStatusCode);
        Assert.Null(succeeded.LastError);
    }

    [Fact]
    public async Task ALongError_IsKeptToItsLimit()
    {
        var task = await CreatedAsync(TaskState.Running, attempts: 1);

        await Store.MoveAsync(task.TaskId, TaskState.Failed, new TaskChanges { Result = new LastResult(null, new string('x', 5000)) }, None);

        var error = (await Store.GetAsync(task.TaskId, None))!.LastError!;
        Assert.Equal(LastResult.MaxErrorLength, error.Length);
        Assert.EndsWith("…", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMoveWithoutAResult_KeepsTheLastOne()
    {
        var task = await CreatedAsync(TaskState.Running, attempts: 1);
        await Store.MoveAsync(task.TaskId, TaskState.Retrying, new TaskChanges { Result = new LastResult(500, "HTTP 500") }, None);

        await Store.MoveAsync(task.TaskId, TaskState.Cancelled, new TaskChanges(), None);

        var stored = await Store.GetAsync(task.TaskId, None);
        Assert.Equal(500, stored!.LastStatusCode);
        Assert.Equal("HTTP 500", stored.LastError);
    }

    [Theory]
    [InlineData(TaskState.Pending, true)]
    [InlineData(TaskState.Scheduled, true)]
    [InlineData(TaskState.Retrying, true)]
    [InlineData(TaskState.Running, false)]
    [InlineData(TaskState.Succeeded, false)]
    [InlineData(TaskState.Failed, false)]
    [InlineData(TaskState.Cancelled, false)]
    public async Task AClaim_TakesADueTaskWhoseStatusMayRun_CountingTheAttemptAndTakingTheLease(TaskState status, bool claimable)
    {
        var task = await CreatedAsync(status, attempts: 1);
        var lease = Clock.GetUtcNow().AddSeconds(90);

        var claim = await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow(), lease, None);

        Assert.Equal(claimable, claim.Moved);
        var stored = await Store.GetAsync(task.TaskId, None);
        Assert.Equal(claimable ? TaskState.Running : status, stored!.Status);
        Assert.Equal(claimable ? 2 : 1, stored.Attempts);
        if (claimable)
        {
            Assert.Equal(lease, stored.LeaseUntil);
        }
    }

    [Fact]
    public async Task AClaim_IsRefusedBeforeTheTaskIsDueBy()
    {
        var task = await CreatedAsync(TaskState.Retrying, runAt: Clock.GetUtcNow().AddSeconds(10));

        var early = await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow().AddSeconds(9), Clock.GetUtcNow().AddMinutes(1), None);
        var due = await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow().AddSeconds(10), Clock.GetUtcNow().AddMinutes(1), None);

        Assert.False(early.Moved);
        Assert.Equal(TaskState.Retrying, early.Task!.Status);
        Assert.True(due.Moved);
    }

    [Fact]
    public async Task ARunningTask_IsClaimedAgainOnlyOnceItsLeaseHasRunOut()
    {
        var task = await CreatedAsync(TaskState.Scheduled);
        await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow(), Clock.GetUtcNow().AddSeconds(30), None);

        Clock.Advance(TimeSpan.FromSeconds(30));
        var atTheLease = await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow(), Clock.GetUtcNow().AddSeconds(30), None);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var afterIt = await Store.ClaimAsync(task.TaskId, Clock.GetUtcNow(), Clock.GetUtcNow().AddSeconds(30), None);

        Assert.False(atTheLease.Moved);
        Assert.True(afterIt.Moved);
        Assert.Equal(2, afterIt.Task!.Attempts);
    }

    [Fact]
    public async Task WorkersRacingForOneAttempt_OnlyOneClaimsIt()
    {
        var task = await CreatedAsync(TaskState.Scheduled);

        var claims = await RaceAsync(8, () => Store.ClaimAsync(task.TaskId, Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(1), None));

        Assert.Single(claims, c => c.Moved);
        Assert.Equal(1, (await Store.GetAsync(task.TaskId, None))!.Attempts);
    }

    [Fact]
    public async Task ARetrysSchedule_IsRecordedOnlyWhileTheTaskIsRetryingAtThatAttempt()
    {
        var task = await CreatedAsync(TaskState.Retrying, attempts: 2);

        await Store.RecordRetryScheduleAsync(task.TaskId, 1, "stale", "arn:stale", None);
        await Store.RecordRetryScheduleAsync(task.TaskId, 2, "task-x-3", "arn:current", None);
        var other = await CreatedAsync(TaskState.Scheduled, attempts: 2);
        await Store.RecordRetryScheduleAsync(other.TaskId, 2, "never", "arn:never", None);

        Assert.Equal("arn:current", (await Store.GetAsync(task.TaskId, None))!.ScheduleArn);
        Assert.Null((await Store.GetAsync(other.TaskId, None))!.ScheduleArn);
    }

    [Fact]
    public async Task ACallersListing_IsNewestFirst_ByStatusOrAll_AcrossPages()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreatedAsync(i == 2 ? TaskState.Failed : TaskState.Scheduled, caller: "billing")).TaskId);
            await CreatedAsync(TaskState.Scheduled, caller: "emails");
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await Store.MoveAsync(ids[3], TaskState.Running, new TaskChanges(), None);
        await Store.MoveAsync(ids[3], TaskState.Succeeded, new TaskChanges(), None);

        Assert.Equal(Enumerable.Reverse(ids), await AllAsync(new TaskFilter("billing", null), 2));
        Assert.Equal(Enumerable.Reverse(ids).Where(id => id != ids[2] && id != ids[3]), await AllAsync(new TaskFilter("billing", TaskState.Scheduled), 2));
        Assert.Equal([ids[2]], await AllAsync(new TaskFilter("billing", TaskState.Failed), 2));
        Assert.Equal([ids[3]], await AllAsync(new TaskFilter("billing", TaskState.Succeeded), 2));
        var listed = Assert.Single((await Store.ListAsync(new TaskFilter("billing", TaskState.Failed), 10, null, None)).Tasks);
        Assert.Equal(TaskState.Failed, listed.Status);
        Assert.Equal("https://example.com/hook?x=1", listed.Url);
        Assert.Equal("billing", listed.Caller);
        Assert.Empty(await AllAsync(new TaskFilter("nobody", null), 2));
    }

    [Fact]
    public async Task AListing_OfManyTasks_MissesNoneAndRepeatsNone_AcrossShardsAndPages()
    {
        var ids = new List<string>();
        for (var i = 0; i < 45; i++)
        {
            ids.Add((await CreatedAsync(TaskState.Scheduled, caller: "billing")).TaskId);
            Clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(Enumerable.Reverse(ids), await AllAsync(new TaskFilter("billing", null), 7));
        Assert.Equal(Enumerable.Reverse(ids), await AllAsync(new TaskFilter("billing", null), 100));
    }

    [Fact]
    public async Task AListing_OfTasksCreatedInTheSameMillisecond_MissesNoneAndRepeatsNone()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 60; i++)
        {
            ids.Add((await CreatedAsync(TaskState.Scheduled, Clock.GetUtcNow().AddMinutes(1), caller: "billing")).TaskId);
        }

        var listed = await AllAsync(new TaskFilter("billing", null), 7);
        var everyone = await AllAsync(new TaskFilter(null, null), 7);

        Assert.Equal(ids.Count, listed.Count);
        Assert.True(ids.SetEquals(listed));
        Assert.Equal(ids.Count, everyone.Count);
        Assert.True(ids.SetEquals(everyone));
    }

    [Fact]
    public async Task EveryCallersListing_IsLatestRunFirst_AndFiltersByStatus()
    {
        var late = await CreatedAsync(TaskState.Scheduled, Clock.GetUtcNow().AddHours(2), caller: "emails");
        var early = await CreatedAsync(TaskState.Scheduled, Clock.GetUtcNow().AddHours(1), caller: "billing");
        var failed = await CreatedAsync(TaskState.Failed, Clock.GetUtcNow().AddMinutes(1), caller: "billing");

        Assert.Equal([late.TaskId, early.TaskId, failed.TaskId], await AllAsync(new TaskFilter(null, null), 2));
        Assert.Equal([failed.TaskId], await AllAsync(new TaskFilter(null, TaskState.Failed), 2));
    }

    [Fact]
    public async Task TheSweepListing_HoldsTheTasksWhoseSweepTimeIsInTheWindow_AndTheCheckpointKeepsItsTime()
    {
        var now = Clock.GetUtcNow();
        var due = await CreatedAsync(TaskState.Scheduled, now.AddMinutes(-10));
        var retried = await CreatedAsync(TaskState.Running, now.AddMinutes(-30), attempts: 1);
        await Store.MoveAsync(retried.TaskId, TaskState.Retrying, new TaskChanges { RunAt = now.AddHours(1) }, None);
        await CreatedAsync(TaskState.Scheduled, now.AddHours(3));
        await CreatedAsync(TaskState.Scheduled, now.AddDays(-3));

        var ids = new List<string>();
        for (var segment = 0; segment < Store.SweepSegments; segment++)
        {
            string? cursor = null;
            do
            {
                var page = await Store.ListSweepDueAsync(segment, now.AddDays(-1), now, cursor, None);
                ids.AddRange(page.TaskIds);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        Assert.Equal([due.TaskId], ids);
        Assert.Equal([due.TaskId], (await Store.GetManyAsync([due.TaskId, TaskIds.New()], None)).Select(t => t.TaskId));
        Assert.Null(await Store.GetSweepProgressAsync(None));
        await Store.SetSweepProgressAsync(new SweepProgress(now, now.AddMinutes(5), new() { [3] = "c" }, [1, 2]), None);
        var progress = await Store.GetSweepProgressAsync(None);
        Assert.Equal(now, progress!.SweptUntil);
        Assert.Equal(now.AddMinutes(5), progress.WindowUntil);
        Assert.Equal("c", progress.Cursors[3]);
        Assert.Equal([1, 2], progress.Done);

        await Store.PostponeSweepAsync(due.TaskId, now.AddHours(2), None);
        Assert.Equal(now.AddHours(2), (await Store.GetAsync(due.TaskId, None))!.SweepAt);
    }

    private async Task<List<string>> AllAsync(TaskFilter filter, int limit)
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(filter, limit, cursor, None);
            Assert.InRange(page.Tasks.Count, 0, limit);
            seen.AddRange(page.Tasks.Select(t => t.TaskId));
            cursor = page.NextCursor;
        }
        while (cursor is not null && seen.Count < 200);
        return seen;
    }

    [Fact]
    public async Task ACursorItDidNotMake_OrFromAnotherFilter_IsAFormatException()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreatedAsync(TaskState.Scheduled);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var scheduled = new TaskFilter(Caller.BootstrapName, TaskState.Scheduled);
        var cursor = (await Store.ListAsync(scheduled, 1, null, None)).NextCursor!;

        await Assert.ThrowsAsync<FormatException>(() => Store.ListAsync(new TaskFilter(Caller.BootstrapName, null), 1, cursor, None));
        await Assert.ThrowsAsync<FormatException>(() => Store.ListAsync(new TaskFilter("billing", TaskState.Scheduled), 1, cursor, None));
        await Assert.ThrowsAsync<FormatException>(() => Store.ListAsync(scheduled, 1, "not-a-cursor", None));
        Assert.Single((await Store.ListAsync(scheduled, 1, cursor, None)).Tasks);
    }
}

/// <summary>The contract against the DynamoDB store, on moto_server (a fresh table per test).</summary>
[Collection(MotoGroup.Name)]
public sealed class DynamoTaskStoreContractTests(MotoServer moto) : TaskStoreContract
{
    protected override bool RacesAreAtomic => false;

    private string _table = string.Empty;

    protected override async Task<ITaskStore> CreateStoreAsync()
    {
        _table = "contract-" + Guid.NewGuid().ToString("N")[..12];
        var dynamoDb = moto.DynamoDb();
        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, _table, CancellationToken.None);
        return new DynamoTaskStore(dynamoDb, new TaskStoreSettings(_table, TimeSpan.FromDays(30)), Clock);
    }

    [Fact]
    public async Task ARetriedTask_NoLongerExpires_SoTTLCannotDeleteItWhileItWaits()
    {
        var task = new TaskRecord
        {
            TaskId = TaskIds.New(), Status = TaskState.Failed, RunAt = Clock.GetUtcNow(), Url = "https://example.com/", Method = "POST",
            Headers = new Dictionary<string, string>(), Data = "{}", MaxAttempts = 1, TimeoutSeconds = 30, Attempts = 1,
            CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow(),
        };
        await Store.CreateAsync(task, null, CancellationToken.None);
        var before = await ItemAsync(task.TaskId);

        await Store.MoveAsync(task.TaskId, TaskState.Pending, new TaskChanges { StartsRetry = true, ExpectedAttempts = 1 }, CancellationToken.None);

        var after = await ItemAsync(task.TaskId);
        Assert.Contains(TaskTableSchema.ExpiresAt, before.Keys);
        Assert.DoesNotContain(TaskTableSchema.ExpiresAt, after.Keys);
        Assert.DoesNotContain(TaskTableSchema.Outcome, after.Keys);
    }

    private async Task<Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>> ItemAsync(string taskId) =>
        (await moto.DynamoDb().GetItemAsync(_table, TaskItems.Key(TaskItems.TaskPrefix + taskId))).Item;
}

/// <summary>The contract against the local runner's SQLite store (a fresh file per test).</summary>
public sealed class SqliteTaskStoreContractTests : TaskStoreContract, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"contract-{Guid.NewGuid():N}.db");
    private LocalDatabase? _database;

    protected override Task<ITaskStore> CreateStoreAsync()
    {
        _database = new LocalDatabase(_path);
        return Task.FromResult<ITaskStore>(new LocalTaskStore(_database, Clock));
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
