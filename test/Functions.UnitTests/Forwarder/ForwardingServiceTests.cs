using System.Net;
using Functions.Hosting;
using Functions.Tasks;
using Functions.Tasks.WakeUps;
using Functions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Functions.UnitTests.Forwarder;

/// <summary>
/// What a wake-up means, on a fake clock: the call at run_at, the waits, the re-armed wake-ups, leases taken over,
/// backoff and its end, the dead-letter record. Every time below is the clock's; nothing here waits for real.
/// </summary>
public sealed class ForwardingServiceTests : IDisposable
{
    private readonly DeliveryRig _rig = new();

    private TargetRequest OnlyRequest() => Assert.Single(_rig.Target.Requests);

    [Fact]
    public async Task ADueTask_IsCalledSigned_AtItsTarget_AndSucceeds()
    {
        var task = await _rig.ScheduleAsync("""
            "delay_seconds": 5, "headers": {"X-Tenant": "acme"}
            """);
        _rig.Clock.Advance(TimeSpan.FromSeconds(5));

        await _rig.WakeAsync(task.TaskId);

        var request = OnlyRequest();
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(DeliveryRig.TargetUrl, request.Uri.ToString());
        Assert.Equal("""{"order": 42}""", System.Text.Encoding.UTF8.GetString(request.Body));
        Assert.Equal("application/json", request.Headers["content-type"]);
        Assert.Equal("acme", request.Headers["x-tenant"]);
        Assert.Equal(task.TaskId, request.Headers["idempotency-key"]);
        Assert.Equal(task.TaskId, request.Headers["webhook-id"]);
        Assert.Equal(_rig.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Headers["webhook-timestamp"]);
        Assert.Equal(Signatures.Expected(TestSettings.SigningSecret, task.TaskId, request.Headers["webhook-timestamp"], request.Body), request.Headers["webhook-signature"]);
        Assert.Equal("delayed-http-tasks/1.2.3", request.Headers["user-agent"]);
        var done = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Succeeded, done.Status);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(200, done.LastStatusCode);
        Assert.Null(done.LastError);
    }

    [Fact]
    public async Task EveryRecordedAttempt_WritesAnEmfLine_WithHowLateItWasCalled()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 5, \"max_attempts\": 2");
        _rig.Target.Then(HttpStatusCode.ServiceUnavailable);
        _rig.Target.Then(HttpStatusCode.BadRequest);

        // Woken 1.5 s after run_at: the first attempt is 1,500 ms late.
        _rig.Clock.Advance(TimeSpan.FromSeconds(6.5));
        await _rig.WakeAsync(task.TaskId);
        var firstAt = _rig.Clock.GetUtcNow();
        var retry = await _rig.TaskAsync(task.TaskId);
        _rig.Clock.Advance(retry.RunAt - _rig.Clock.GetUtcNow());
        await _rig.WakeAsync(task.TaskId);

        var lines = LogLines.Metrics(_rig.MetricLines);
        var scheduled = Assert.Single(lines, l => l.TryGetProperty("TasksScheduled", out _));
        Assert.Equal(task.TaskId, scheduled.GetProperty("task_id").GetString());
        var attempts = lines.Where(l => l.TryGetProperty("Deliveries", out _)).ToList();
        Assert.Equal(["retried", "failed"], attempts.Select(l => l.GetProperty("Outcome").GetString()));
        Assert.Equal(1500, attempts[0].GetProperty("DeliveryLatenessMs").GetDouble());
        Assert.Equal(0, attempts[1].GetProperty("DeliveryLatenessMs").GetDouble());
        Assert.Equal([firstAt.ToUnixTimeMilliseconds(), retry.RunAt.ToUnixTimeMilliseconds()], attempts.Select(l => l.GetProperty("_aws").GetProperty("Timestamp").GetInt64()));
        Assert.All(attempts, l =>
        {
            Assert.Equal(task.TaskId, l.GetProperty("task_id").GetString());
            Assert.True(l.GetProperty("AttemptDurationMs").GetDouble() >= 0);
        });
    }

    [Fact]
    public async Task ConcurrentWakeUpsForOneAttempt_MakeOneRequest()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _rig.WakeAsync(task.TaskId))));

        Assert.Single(_rig.Target.Requests);
        var done = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Succeeded, done.Status);
        Assert.Equal(1, done.Attempts);
    }

    [Fact]
    public async Task EveryLineWrittenAboutTheTask_CarriesItsId()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        _rig.Target.Then(HttpStatusCode.InternalServerError);

        await _rig.WakeAsync(task.TaskId);

        var lines = _rig.LogLines().Where(l => l.GetProperty("message").GetString()!.Contains(task.TaskId, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 3, "scheduled, delivered, will be retried");
        Assert.All(lines, l => Assert.Equal(task.TaskId, l.GetProperty("task_id").GetString()));
    }

    [Fact]
    public async Task AWakeUpByScheduler_PutsItsAttemptExecutionAndTimeOnEveryLine()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        var wakeUp = new WakeUpMessage { TaskId = task.TaskId, SchedulerAttempt = "2", ExecutionId = "exec-1", ScheduledTime = "2026-11-30T09:00:00Z" };

        await _rig.Forwarding.ProcessAsync(wakeUp, Functions.Hosting.InvocationContext.Create("r", TimeSpan.FromSeconds(90), _rig.Clock));

        var line = Assert.Single(_rig.LogLines(), l => l.GetProperty("message").GetString()!.StartsWith("Delivered", StringComparison.Ordinal));
        Assert.Equal("2", line.GetProperty("scheduler_attempt").GetString());
        Assert.Equal("exec-1", line.GetProperty("scheduler_execution_id").GetString());
        Assert.Equal("2026-11-30T09:00:00Z", line.GetProperty("scheduler_scheduled_time").GetString());
        Assert.Equal(task.TaskId, line.GetProperty("task_id").GetString());
    }

    [Fact]
    public async Task AWakeUpSecondsEarly_WaitsOnTheClock_AndCallsAtRunAt()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 10");
        _rig.Clock.Advance(TimeSpan.FromSeconds(8.5));

        var waking = _rig.WakeAsync(task.TaskId);
        var calledEarly = !_rig.Target.Requests.IsEmpty;
        _rig.Clock.Advance(TimeSpan.FromSeconds(1.5));
        await waking;

        Assert.False(calledEarly);
        Assert.Equal(task.RunAt, OnlyRequest().At);
        // Built and signed during the wait, it carries the time it was sent at: run_at, not the wake-up's time.
        Assert.Equal(task.RunAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), OnlyRequest().Headers["webhook-timestamp"]);
        Assert.Equal(TaskState.Succeeded, (await _rig.TaskAsync(task.TaskId)).Status);
    }

    [Fact]
    public async Task ATimerThatFiresEarly_DoesNotCallBeforeRunAt()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 10");
        _rig.Clock.Advance(TimeSpan.FromSeconds(8.5));
        var forwarding = _rig.ForwardingWith(new EarlyTimers(_rig.Clock, TimeSpan.FromMilliseconds(1)));

        var waking = forwarding.ProcessAsync(new WakeUpMessage { TaskId = task.TaskId }, InvocationContext.Create("early", TimeSpan.FromSeconds(90), _rig.Clock));
        _rig.Clock.Advance(TimeSpan.FromSeconds(1.5) - TimeSpan.FromMilliseconds(1));
        var calledEarly = !_rig.Target.Requests.IsEmpty;
        _rig.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await waking;

        Assert.False(calledEarly);
        Assert.Equal(task.RunAt, OnlyRequest().At);
    }

    /// <summary>A clock whose timers fire a little before their time, as a millisecond timer can.</summary>
    private sealed class EarlyTimers(TimeProvider inner, TimeSpan early) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime > early ? dueTime - early : dueTime, period);
    }

    [Fact]
    public async Task AWakeUpMinutesEarly_IsArmedAgainOnTheQueue_AndCallsNothing()
    {
        var task = await _rig.ScheduleAsync("\"delay_minutes\": 10");
        Assert.Empty(await _rig.VisibleWakeUpsAsync());

        await _rig.WakeAsync(task.TaskId);
        _rig.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(2));
        var beforeRunAt = await _rig.VisibleWakeUpsAsync();
        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var aSecondBefore = await _rig.VisibleWakeUpsAsync();

        Assert.Empty(_rig.Target.Requests);
        Assert.Empty(beforeRunAt);
        // The first wake-up and the one armed again both come a second before run_at.
        Assert.Equal([task.TaskId, task.TaskId], aSecondBefore);
        Assert.Equal(TaskState.Scheduled, (await _rig.TaskAsync(task.TaskId)).Status);
    }

    [Fact]
    public async Task A500_IsRetriedAfterTheBackoff_AndTheSecondAttemptSucceeds()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        _rig.Target.Then(HttpStatusCode.InternalServerError);

        await _rig.WakeAsync(task.TaskId);
        var retrying = await _rig.TaskAsync(task.TaskId);
        _rig.Clock.Advance(retrying.RunAt - _rig.Clock.GetUtcNow());
        var due = await _rig.VisibleWakeUpsAsync();
        await _rig.WakeAsync(task.TaskId);

        Assert.Equal(TaskState.Retrying, retrying.Status);
        Assert.Equal(500, retrying.LastStatusCode);
        Assert.Equal("HTTP 500", retrying.LastError);
        Assert.InRange(retrying.RunAt - task.CreatedAt, TimeSpan.Zero, DeliveryRig.Backoff.Next(1, null, 1.0));
        Assert.Equal(WakeUpNames.Retry(task.TaskId, 2), retrying.ScheduleName);
        Assert.Contains(task.TaskId, due);
        var done = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Succeeded, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(200, done.LastStatusCode);
        Assert.Null(done.LastError);
        Assert.Equal(2, _rig.Target.Requests.Count);
        Assert.Single(_rig.Target.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheBackoff_IsHonoured()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        _rig.Target.Then(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(600));

        await _rig.WakeAsync(task.TaskId);

        Assert.Equal(_rig.Clock.GetUtcNow().AddSeconds(600), (await _rig.TaskAsync(task.TaskId)).RunAt);
    }

    [Fact]
    public async Task TheLastRetryableFailure_EndsTheTaskFailed_AndParksItWithoutPathOrQuery()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0, \"max_attempts\": 2");
        _rig.Target.Then(HttpStatusCode.BadGateway);
        _rig.Target.Then(HttpStatusCode.BadGateway);

        await _rig.WakeAsync(task.TaskId);
        _rig.Clock.Advance((await _rig.TaskAsync(task.TaskId)).RunAt - _rig.Clock.GetUtcNow());
        await _rig.WakeAsync(task.TaskId);

        var failed = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Failed, failed.Status);
        Assert.Equal("HTTP 502; gave up after 2 attempts", failed.LastError);
        var parked = Assert.Single(await _rig.FailedDeliveriesAsync());
        Assert.Equal(task.TaskId, parked.GetProperty("task_id").GetString());
        Assert.Equal(2, parked.GetProperty("attempts").GetInt32());
        Assert.Equal(502, parked.GetProperty("last_status_code").GetInt32());
        Assert.Equal("admin", parked.GetProperty("caller").GetString());
        // The caller's failure is not the system's: its dead-letter queue stays empty.
        Assert.Empty(await _rig.SystemDeadLettersAsync());
        // Where it went, not the path or query: either may carry a credential.
        Assert.Equal("https://target.example", parked.GetProperty("url").GetString());
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Found)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task AStatusThatWouldNotChangeOnRetry_FailsAtOnce(HttpStatusCode status)
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0, \"max_attempts\": 5");
        _rig.Target.Then(status);

        await _rig.WakeAsync(task.TaskId);

        var failed = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal((int)status, failed.LastStatusCode);
        Assert.Single(await _rig.FailedDeliveriesAsync());
    }

    [Fact]
    public async Task AnAttemptThatEndsWithoutAStatus_ClearsTheStatusOfTheAttemptBefore()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        _rig.Target.Then(HttpStatusCode.InternalServerError);
        _rig.Target.ThenConnectionFailure();

        await _rig.WakeAsync(task.TaskId);
        _rig.Clock.Advance((await _rig.TaskAsync(task.TaskId)).RunAt - _rig.Clock.GetUtcNow());
        await _rig.WakeAsync(task.TaskId);

        var second = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(2, second.Attempts);
        Assert.Null(second.LastStatusCode);
        Assert.Equal("Connection failed: ConnectionError", second.LastError);
    }

    [Fact]
    public async Task ATargetThatDoesNotAnswer_TimesOutOnTheClock_AndIsRetriedWithoutAStatus()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0, \"timeout_seconds\": 7");
        _rig.Target.ThenHang();

        var waking = _rig.WakeAsync(task.TaskId);
        await _rig.Target.Hanging.Task;
        _rig.Clock.Advance(TimeSpan.FromSeconds(7));
        await waking;

        var retrying = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Retrying, retrying.Status);
        Assert.Null(retrying.LastStatusCode);
        Assert.Equal("Timed out after 7 s", retrying.LastError);
    }

    [Fact]
    public async Task AWakeUpWhileAnotherWorkerHoldsTheAttempt_CallsNothing_AndComesBackWhenTheLeaseEnds()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        var lease = _rig.Clock.GetUtcNow().AddSeconds(60);
        Assert.True((await _rig.Store.ClaimAsync(task.TaskId, _rig.Clock.GetUtcNow(), lease, CancellationToken.None)).Moved);
        _ = await _rig.VisibleWakeUpsAsync();

        await _rig.WakeAsync(task.TaskId);
        var whileHeld = await _rig.VisibleWakeUpsAsync();
        _rig.Clock.Advance(TimeSpan.FromSeconds(60));
        var atLeaseEnd = await _rig.VisibleWakeUpsAsync();

        Assert.Empty(_rig.Target.Requests);
        Assert.Empty(whileHeld);
        Assert.Equal([task.TaskId], atLeaseEnd);
    }

    [Fact]
    public async Task ALapsedLease_LetsTheNextWakeUpTakeTheAttemptOver()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        Assert.True((await _rig.Store.ClaimAsync(task.TaskId, _rig.Clock.GetUtcNow(), _rig.Clock.GetUtcNow().AddSeconds(30), CancellationToken.None)).Moved);
        _rig.Clock.Advance(TimeSpan.FromSeconds(31));

        await _rig.WakeAsync(task.TaskId);

        OnlyRequest();
        var done = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Succeeded, done.Status);
        Assert.Equal(2, done.Attempts);
    }

    [Fact]
    public async Task ALostWorkerOnTheLastAttempt_EndsTheTaskFailed_WithoutACall()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0, \"max_attempts\": 1");
        Assert.True((await _rig.Store.ClaimAsync(task.TaskId, _rig.Clock.GetUtcNow(), _rig.Clock.GetUtcNow().AddSeconds(30), CancellationToken.None)).Moved);
        _rig.Clock.Advance(TimeSpan.FromSeconds(31));

        await _rig.WakeAsync(task.TaskId);

        Assert.Empty(_rig.Target.Requests);
        var failed = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Failed, failed.Status);
        Assert.Equal("The worker of attempt 1 was lost; no attempts left", failed.LastError);
        Assert.Single(await _rig.FailedDeliveriesAsync());
    }

    [Fact]
    public async Task AWakeUpDuringACallInFlight_MakesNoSecondCall()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        _rig.Target.ThenHang();

        var first = _rig.WakeAsync(task.TaskId);
        await _rig.Target.Hanging.Task;
        await _rig.WakeAsync(task.TaskId);
        _rig.Clock.Advance(TimeSpan.FromSeconds(30));
        await first;

        OnlyRequest();
        Assert.Equal(1, (await _rig.TaskAsync(task.TaskId)).Attempts);
    }

    [Fact]
    public async Task ACancelledOrFinishedTask_IsNeverCalled()
    {
        var cancelled = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        Assert.True((await _rig.Store.MoveAsync(cancelled.TaskId, TaskState.Cancelled, new TaskChanges(), CancellationToken.None)).Moved);
        var done = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        await _rig.WakeAsync(done.TaskId);

        await _rig.WakeAsync(cancelled.TaskId);
        await _rig.WakeAsync(done.TaskId);
        await _rig.WakeAsync(TaskIds.New());

        Assert.Equal(done.TaskId, OnlyRequest().Headers["webhook-id"]);
    }

    [Fact]
    public async Task AtMinutePrecision_ARetryGetsItsOwnSchedule_RecordedOnTheTask()
    {
        using var rig = new DeliveryRig(DeliveryPrecision.Minute);
        var task = await rig.ScheduleAsync("\"delay_seconds\": 0");
        rig.Target.Then(HttpStatusCode.TooManyRequests);

        await rig.WakeAsync(task.TaskId);

        var retrying = await rig.TaskAsync(task.TaskId);
        var name = WakeUpNames.Retry(task.TaskId, 2);
        var schedule = await rig.Scheduler.GetScheduleAsync(name, DeliveryRig.Group, CancellationToken.None);
        Assert.NotNull(schedule);
        Assert.EndsWith("/" + name, retrying.ScheduleArn, StringComparison.Ordinal);
        Assert.Contains(task.TaskId, schedule.Target!.Input, StringComparison.Ordinal);
        Assert.Empty(await rig.VisibleWakeUpsAsync());
    }

    [Fact]
    public async Task TheSweeper_RearmsUnfinishedTasksPastTheirSweepTime_OnceEach_AndLeavesTheOthers()
    {
        var fresh = await _rig.ScheduleAsync("\"delay_minutes\": 60");
        var now = _rig.Clock.GetUtcNow();
        var lost = new TaskRecord
        {
            TaskId = TaskIds.New(), Status = TaskState.Pending, RunAt = now.AddMinutes(-10), Url = DeliveryRig.TargetUrl, Method = "POST",
            Headers = new Dictionary<string, string>(), Data = "{}", MaxAttempts = 3, TimeoutSeconds = 5, CreatedAt = now.AddMinutes(-20), UpdatedAt = now.AddMinutes(-20),
        };
        var young = lost with { TaskId = TaskIds.New(), RunAt = now.AddMinutes(-1) };
        var finished = lost with { TaskId = TaskIds.New(), Status = TaskState.Succeeded };
        var working = lost with { TaskId = TaskIds.New(), Status = TaskState.Running, Attempts = 1, LeaseUntil = now.AddMinutes(1) };
        foreach (var task in new[] { lost, young, finished, working })
        {
            await _rig.Store.CreateAsync(task, null, CancellationToken.None);
        }

        var first = await SweepAsync();
        var again = await SweepAsync();
        var wokenNow = await _rig.VisibleWakeUpsAsync();
        await _rig.WakeAsync(lost.TaskId);
        _rig.Clock.Advance(TimeSpan.FromMinutes(5));
        var later = await SweepAsync();

        Assert.Equal(2, first);
        Assert.Equal(0, again);
        Assert.Equal([lost.TaskId], wokenNow);
        Assert.Equal(TaskState.Succeeded, (await _rig.TaskAsync(lost.TaskId)).Status);
        Assert.Equal(1, later);
        Assert.Equal(new[] { working.TaskId, young.TaskId }.Order(StringComparer.Ordinal), (await _rig.VisibleWakeUpsAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(TaskState.Scheduled, (await _rig.TaskAsync(fresh.TaskId)).Status);
    }

    [Fact]
    public async Task ASweepThatRunsOutOfTime_HandsTheRestOfItsWindowToTheNext_AndArmsNoTaskTwice()
    {
        var now = _rig.Clock.GetUtcNow();
        var lost = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            var task = new TaskRecord
            {
                TaskId = TaskIds.New(), Status = TaskState.Pending, RunAt = now.AddMinutes(-10), Url = DeliveryRig.TargetUrl, Method = "POST",
                Headers = new Dictionary<string, string>(), Data = "{}", MaxAttempts = 3, TimeoutSeconds = 5, CreatedAt = now.AddMinutes(-20), UpdatedAt = now.AddMinutes(-20),
            };
            await _rig.Store.CreateAsync(task, null, CancellationToken.None);
            lost.Add(task.TaskId);
        }

        // The sweeper's own clock jumps past its deadline as soon as it has listed its first page.
        var sweepClock = new FakeTimeProvider(now);
        var pagesListed = 0;
        var store = SteppingStore.Wrap(_rig.Store, () =>
        {
            if (Interlocked.Increment(ref pagesListed) == 1)
            {
                sweepClock.Advance(TimeSpan.FromMinutes(5));
            }
        });
        var sweeper = _rig.SweeperWith(store, sweepClock);

        var first = await sweeper.SweepAsync(Functions.Hosting.InvocationContext.Create("sweep-1", TimeSpan.FromMinutes(1), sweepClock));
        var handedOver = await _rig.Store.GetSweepProgressAsync(CancellationToken.None);
        var second = await _rig.Sweeper.SweepAsync(Functions.Hosting.InvocationContext.Create("sweep-2", TimeSpan.FromMinutes(1), _rig.Clock));
        var woken = new List<string>();
        for (var batch = await _rig.VisibleWakeUpsAsync(); batch.Count > 0; batch = await _rig.VisibleWakeUpsAsync())
        {
            woken.AddRange(batch);
        }

        Assert.Equal(100, first);
        Assert.NotNull(handedOver!.WindowUntil);
        Assert.NotEmpty(handedOver.Cursors);
        Assert.Equal(150, second);
        Assert.Equal(lost.Order(StringComparer.Ordinal), woken.Order(StringComparer.Ordinal));
        Assert.Null((await _rig.Store.GetSweepProgressAsync(CancellationToken.None))!.WindowUntil);
    }

    [Fact]
    public async Task ARearmedTask_IsLookedAtAgain_IfThatWakeUpIsLostToo()
    {
        var now = _rig.Clock.GetUtcNow();
        var task = new TaskRecord
        {
            TaskId = TaskIds.New(), Status = TaskState.Scheduled, RunAt = now.AddMinutes(-10), Url = DeliveryRig.TargetUrl, Method = "POST",
            Headers = new Dictionary<string, string>(), Data = "{}", MaxAttempts = 3, TimeoutSeconds = 5, CreatedAt = now.AddMinutes(-20), UpdatedAt = now.AddMinutes(-20),
        };
        await _rig.Store.CreateAsync(task, null, CancellationToken.None);

        var first = await SweepAsync();
        Assert.Equal([task.TaskId], await _rig.VisibleWakeUpsAsync());
        _rig.Clock.Advance(TimeSpan.FromMinutes(6));
        var second = await SweepAsync();

        Assert.Equal(1, first);
        Assert.Equal(1, second);
        Assert.Equal([task.TaskId], await _rig.VisibleWakeUpsAsync());
    }

    private Task<int> SweepAsync() => _rig.Sweeper.SweepAsync(Functions.Hosting.InvocationContext.Create("sweep", TimeSpan.FromSeconds(60), _rig.Clock));

    public void Dispose() => _rig.Dispose();
}

/// <summary>An <see cref="ITaskStore"/> that calls a hook each time the sweep listing is read, then does what the store does.</summary>
public class SteppingStore : System.Reflection.DispatchProxy
{
    private ITaskStore _inner = null!;
    private Action _onListing = null!;

    public static ITaskStore Wrap(ITaskStore inner, Action onListing)
    {
        var proxy = Create<ITaskStore, SteppingStore>();
        var stepping = (SteppingStore)(object)proxy;
        stepping._inner = inner;
        stepping._onListing = onListing;
        return proxy;
    }

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(ITaskStore.ListSweepDueAsync))
        {
            _onListing();
        }

        return targetMethod.Invoke(_inner, args);
    }
}
