using System.Net;
using System.Text.Json;
using Functions.Hosting;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Functions.Tasks.Recurring;
using Functions.Tasks.WakeUps;
using Functions.UnitTests.Forwarder;

namespace Functions.UnitTests.Recurring;

/// <summary>
/// Recurring schedules on a fake clock over the embedded store: the chain of wake-ups, one run per occurrence
/// whatever the wake-ups do, pause, resume, edit, delete, catch-up, overlap, the end, the sweeper's repair, run now.
/// The rig's clock starts at 2026-11-30T09:00:00Z; nothing here waits for real.
/// </summary>
public sealed class RecurringScheduleTests : IDisposable
{
    private static readonly Caller Billing = new("billing", false);
    private static readonly Caller Other = new("shipping", false);
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly DeliveryRig _rig = new();

    private static RecurringScheduleRequest Request(string fields) =>
        JsonSerializer.Deserialize($$"""{"url": "{{DeliveryRig.TargetUrl}}", "data": {"report": "daily"}, {{fields}}}""", FunctionsJsonContext.Default.RecurringScheduleRequest)!;

    private async Task<RecurringSchedule> CreateAsync(string fields, Caller? caller = null)
    {
        var outcome = await _rig.Recurring.CreateAsync(Request(fields), caller ?? Billing, "https://api.example.com/api/v1/tasks/callback", CancellationToken.None);
        return Assert.IsType<ScheduleOutcome.Saved>(outcome).View.Schedule;
    }

    private Task<RecurringSchedule?> ReadAsync(string id) => _rig.Schedules.GetAsync(id, CancellationToken.None);

    /// <summary>Wakes the forwarder for an occurrence, as its queue message or schedule would.</summary>
    private Task WakeAsync(string scheduleId, DateTimeOffset occurrence) =>
        _rig.Forwarding.ProcessAsync(
            new WakeUpMessage { ScheduleId = scheduleId, Occurrence = Timestamps.Format(occurrence) },
            InvocationContext.Create(Guid.NewGuid().ToString(), TimeSpan.FromSeconds(90), _rig.Clock));

    /// <summary>The wake-ups on the delivery queue visible now (each received once).</summary>
    private async Task<List<WakeUpMessage>> QueuedAsync()
    {
        var messages = await _rig.Queues.ReceiveAsync(100, TimeSpan.FromHours(1), CancellationToken.None);
        return [.. messages.Select(m => JsonSerializer.Deserialize(m.Body, FunctionsJsonContext.Default.WakeUpMessage)!)];
    }

    private void At(DateTimeOffset time) => _rig.Clock.Advance(time - _rig.Clock.GetUtcNow());

    private async Task<List<TaskRecord>> RunsAsync(string scheduleId) => [.. (await _rig.Store.ListRunsAsync(scheduleId, 100, null, CancellationToken.None)).Tasks];

    [Fact]
    public async Task ACreatedSchedule_WaitsOnItsFirstOccurrenceStrictlyAfterNow_WithAWakeUpArmedForIt()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"cron(* * * * ? *)\"");

        Assert.Equal(ScheduleState.Enabled, schedule.State);
        Assert.Equal(Start.AddMinutes(1), schedule.NextRunAt);
        At(Start.AddSeconds(59));
        var wakeUp = Assert.Single(await QueuedAsync());
        Assert.Equal(schedule.ScheduleId, wakeUp.ScheduleId);
        Assert.Equal(Timestamps.Format(Start.AddMinutes(1)), wakeUp.Occurrence);
        Assert.Null(wakeUp.TaskId);
    }

    [Fact]
    public async Task EachOccurrence_IsDeliveredOnTime_AsATaskOfItsOwn_AndArmsTheNext()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\", \"headers\": {\"X-Report\": \"r1\"}");

        for (var minute = 1; minute <= 3; minute++)
        {
            At(Start.AddMinutes(minute));
            await WakeAsync(schedule.ScheduleId, Start.AddMinutes(minute));
        }

        var requests = _rig.Target.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(2), Start.AddMinutes(3)], requests.Select(r => r.At));
        Assert.All(requests, r => Assert.Equal("r1", r.Headers["x-report"]));
        Assert.Equal("""{"report": "daily"}""", System.Text.Encoding.UTF8.GetString(requests[0].Body));
        var runs = await RunsAsync(schedule.ScheduleId);
        Assert.Equal([Start.AddMinutes(3), Start.AddMinutes(2), Start.AddMinutes(1)], runs.Select(r => r.Occurrence!.Value));
        Assert.All(runs, r => Assert.Equal((TaskState.Succeeded, schedule.ScheduleId, "billing", false), (r.Status, r.ScheduleId, r.Caller, r.Late)));
        Assert.Equal(ScheduleIds.RunId(schedule.ScheduleId, Start.AddMinutes(1)), runs[^1].TaskId);
        Assert.Equal(requests[0].Headers["webhook-id"], runs[^1].TaskId);
        var after = await ReadAsync(schedule.ScheduleId);
        Assert.Equal(Start.AddMinutes(4), after!.NextRunAt);
        Assert.Equal(runs[0].TaskId, after.LastRun!.TaskId);

        // The runs are tasks: the caller's task list shows them too.
        var listed = await _rig.Store.ListAsync(new TaskFilter("billing", null), 10, null, CancellationToken.None);
        Assert.Equal(runs.Select(r => r.TaskId).Order(), listed.Tasks.Select(t => t.TaskId).Order());
    }

    [Theory]
    [InlineData(null, "2026-11-30T09:01:00.000Z")]
    [InlineData("2026-11-30T09:00:30.1234567Z", "2026-11-30T09:00:30.123Z")]
    public async Task ARateMadeAtAnyFractionOfASecond_FiresOnTheWakeUpItArmed(string? startAt, string firstOccurrence)
    {
        // Created 0.1234567 s past the second: occurrences and wake-ups must name the same instant to the millisecond.
        _rig.Clock.Advance(TimeSpan.FromTicks(1_234_567));
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\"" + (startAt is null ? string.Empty : $", \"start_at\": \"{startAt}\""));
        var first = Timestamps.Parse(firstOccurrence);
        Assert.Equal(first, schedule.NextRunAt);

        At(first);
        var wakeUp = Assert.Single(await QueuedAsync());
        await _rig.Forwarding.ProcessAsync(wakeUp, InvocationContext.Create("x", TimeSpan.FromSeconds(90), _rig.Clock));

        Assert.Equal(first, Assert.Single(_rig.Target.Requests).At);
        Assert.Equal(first.AddMinutes(1), (await ReadAsync(schedule.ScheduleId))!.NextRunAt);
    }

    [Fact]
    public async Task DuplicateWakeUpsForOneOccurrence_MakeOneRun_AndOneCall()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\"");
        At(Start.AddMinutes(1));

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => WakeAsync(schedule.ScheduleId, Start.AddMinutes(1)))));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(1));

        Assert.Single(_rig.Target.Requests);
        var run = Assert.Single(await RunsAsync(schedule.ScheduleId));
        Assert.Equal(1, run.Attempts);
        Assert.Equal(Start.AddMinutes(2), (await ReadAsync(schedule.ScheduleId))!.NextRunAt);

        // However many were sent, the next occurrence has one run too.
        At(Start.AddMinutes(2));
        foreach (var wakeUp in await QueuedAsync())
        {
            await _rig.Forwarding.ProcessAsync(wakeUp, InvocationContext.Create("x", TimeSpan.FromSeconds(90), _rig.Clock));
        }

        Assert.Equal(2, _rig.Target.Requests.Count);
    }

    [Fact]
    public async Task AWakeUpBeforeItsOccurrence_ArmsTheRestOfTheWait_AndMakesNoRun()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 hour)\"");
        At(Start.AddMinutes(58));

        await WakeAsync(schedule.ScheduleId, Start.AddHours(1));

        Assert.Empty(_rig.Target.Requests);
        Assert.Empty(await RunsAsync(schedule.ScheduleId));
        At(Start.AddHours(1).AddSeconds(-1));
        Assert.Contains(await QueuedAsync(), w => w.ScheduleId == schedule.ScheduleId && w.Occurrence == Timestamps.Format(Start.AddHours(1)));
    }

    [Fact]
    public async Task APausedSchedule_MakesNoRun_AndResumesFromTheFirstOccurrenceAfterTheResume()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\"");

        var paused = await _rig.Recurring.UpdateAsync(Billing, schedule.ScheduleId, Request("\"state\": \"paused\"") with { Url = null, Data = null }, "x", CancellationToken.None);
        var view = Assert.IsType<ScheduleOutcome.Saved>(paused).View;
        Assert.Equal(ScheduleState.Paused, view.Schedule.State);
        Assert.Empty(view.NextRuns);
        At(Start.AddMinutes(1));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(1));
        At(Start.AddMinutes(5).AddSeconds(30));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(5));
        Assert.Empty(_rig.Target.Requests);

        var resumed = Assert.IsType<ScheduleOutcome.Saved>(await _rig.Recurring.UpdateAsync(Billing, schedule.ScheduleId, new RecurringScheduleRequest { State = "enabled" }, "x", CancellationToken.None)).View;
        Assert.Equal(ScheduleState.Enabled, resumed.Schedule.State);
        Assert.Equal(Start.AddMinutes(6), resumed.Schedule.NextRunAt);
        Assert.Equal(Start.AddMinutes(6), resumed.NextRuns[0]);
        At(Start.AddMinutes(6));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(6));
        Assert.Equal(Start.AddMinutes(6), Assert.Single(_rig.Target.Requests).At);
    }

    [Fact]
    public async Task AnEdit_AppliesFromTheNextOccurrence_AndTheOldWakeUpMakesNothing()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\"");
        At(Start.AddMinutes(1));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(1));
        At(Start.AddMinutes(1).AddSeconds(10));

        var edited = Assert.IsType<ScheduleOutcome.Saved>(await _rig.Recurring.UpdateAsync(
            Billing, schedule.ScheduleId, new RecurringScheduleRequest { ScheduleExpression = "cron(0/5 * * * ? *)", Url = "https://target.example/v2" }, "x", CancellationToken.None)).View;

        Assert.Equal(Start.AddMinutes(5), edited.Schedule.NextRunAt);
        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(10), Start.AddMinutes(15), Start.AddMinutes(20), Start.AddMinutes(25)], edited.NextRuns);
        At(Start.AddMinutes(2));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(2));
        Assert.Single(_rig.Target.Requests);
        At(Start.AddMinutes(5));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(5));
        Assert.Equal(["https://target.example/hooks/order?token=secret", "https://target.example/v2"], _rig.Target.Requests.Select(r => r.Uri.ToString()));
    }

    [Fact]
    public async Task ADeletedSchedule_IsNotFound_AndItsWakeUpMakesNothing_WhileARunAlreadyMadeFinishes()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\"");
        At(Start.AddMinutes(1));
        _rig.Target.Then(HttpStatusCode.ServiceUnavailable);
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(1));
        var run = Assert.Single(await RunsAsync(schedule.ScheduleId));
        Assert.Equal(TaskState.Retrying, run.Status);

        Assert.True(await _rig.Recurring.DeleteAsync(Billing, schedule.ScheduleId, CancellationToken.None));

        Assert.Null(await _rig.Recurring.GetAsync(Billing, schedule.ScheduleId, CancellationToken.None));
        Assert.False(await _rig.Recurring.DeleteAsync(Billing, schedule.ScheduleId, CancellationToken.None));
        At(Start.AddMinutes(2));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(2));
        Assert.Single(_rig.Target.Requests);

        // The run in flight is a task of its own: its retry (due by now) is delivered.
        Assert.True((await _rig.TaskAsync(run.TaskId)).RunAt <= _rig.Clock.GetUtcNow());
        await _rig.WakeAsync(run.TaskId);
        Assert.Equal(TaskState.Succeeded, (await _rig.TaskAsync(run.TaskId)).Status);
    }

    [Fact]
    public async Task MissedOccurrences_UnderCatchUpLatest_MakeOneLateRunNow_AndTheChainGoesOnFromNow()
    {
        // The runner was stopped from 09:04 to 09:23: 09:05, 09:10, 09:15 and 09:20 were missed.
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(5 minutes)\"");
        At(Start.AddMinutes(23));

        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(5));

        var request = Assert.Single(_rig.Target.Requests);
        Assert.Equal(Start.AddMinutes(23), request.At);
        var run = Assert.Single(await RunsAsync(schedule.ScheduleId));
        Assert.True(run.Late);
        Assert.Equal(Start.AddMinutes(20), run.Occurrence);
        Assert.Equal(Start.AddMinutes(23), run.RunAt);
        var after = await ReadAsync(schedule.ScheduleId);
        Assert.Equal(Start.AddMinutes(25), after!.NextRunAt);
        Assert.Equal(3, after.SkippedCount);
        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(10), Start.AddMinutes(15)], after.Skipped.Select(s => s.Occurrence));
        Assert.All(after.Skipped, s => Assert.Equal("missed", s.Reason));
    }

    [Fact]
    public async Task MissedOccurrences_UnderCatchUpNone_MakeNoRun_AndAreRecordedAsSkipped()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(5 minutes)\", \"catch_up\": \"none\"");
        At(Start.AddMinutes(23));

        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(5));

        Assert.Empty(_rig.Target.Requests);
        Assert.Empty(await RunsAsync(schedule.ScheduleId));
        var after = await ReadAsync(schedule.ScheduleId);
        Assert.Equal(Start.AddMinutes(25), after!.NextRunAt);
        Assert.Equal(4, after.SkippedCount);
        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(10), Start.AddMinutes(15), Start.AddMinutes(20)], after.Skipped.Select(s => s.Occurrence));
    }

    [Fact]
    public async Task AfterMissedOccurrences_TheLatestOneWithinAMinute_StillRunsOnTime_UnderEitherPolicy()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\", \"catch_up\": \"none\"");
        At(Start.AddMinutes(10).AddSeconds(30));

        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(1));

        var run = Assert.Single(await RunsAsync(schedule.ScheduleId));
        Assert.Equal((Start.AddMinutes(10), Start.AddMinutes(10), false), (run.Occurrence, run.RunAt, run.Late));
        Assert.Equal(9, (await ReadAsync(schedule.ScheduleId))!.SkippedCount);
    }

    [Fact]
    public async Task ALateButNotMissedWakeUp_RunsItsOccurrence_OnTimeRulesApply()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(5 minutes)\", \"catch_up\": \"none\"");
        At(Start.AddMinutes(5).AddSeconds(20));

        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(5));

        var run = Assert.Single(await RunsAsync(schedule.ScheduleId));
        Assert.False(run.Late);
        Assert.Equal(Start.AddMinutes(5), run.Occurrence);
    }

    [Theory]
    [InlineData("skip", 1)]
    [InlineData("allow", 2)]
    public async Task AnOccurrenceWhileThePreviousRunIsUnfinished_FollowsTheOverlapPolicy(string overlap, int runs)
    {
        var schedule = await CreateAsync($"\"schedule_expression\": \"rate(1 minute)\", \"overlap\": \"{overlap}\"");
        _rig.Target.Then(HttpStatusCode.ServiceUnavailable, TimeSpan.FromMinutes(10));
        At(Start.AddMinutes(1));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(1));
        Assert.Equal(TaskState.Retrying, Assert.Single(await RunsAsync(schedule.ScheduleId)).Status);

        At(Start.AddMinutes(2));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(2));

        Assert.Equal(runs, (await RunsAsync(schedule.ScheduleId)).Count);
        var after = await ReadAsync(schedule.ScheduleId);
        Assert.Equal(Start.AddMinutes(3), after!.NextRunAt);
        if (overlap == "skip")
        {
            Assert.Equal(new SkippedRun(Start.AddMinutes(2), "overlap"), Assert.Single(after.Skipped));
        }
        else
        {
            Assert.Empty(after.Skipped);
        }
    }

    [Fact]
    public async Task AScheduleWhoseEndPasses_RunsItsLastOccurrence_ThenEnds()
    {
        var schedule = await CreateAsync($"\"schedule_expression\": \"rate(1 minute)\", \"end_at\": \"{Timestamps.Format(Start.AddMinutes(2).AddSeconds(30))}\"");
        At(Start.AddMinutes(1));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(1));
        At(Start.AddMinutes(2));
        await WakeAsync(schedule.ScheduleId, Start.AddMinutes(2));

        var after = await _rig.Recurring.GetAsync(Billing, schedule.ScheduleId, CancellationToken.None);
        Assert.Equal(ScheduleState.Ended, after!.Schedule.State);
        Assert.Null(after.Schedule.NextRunAt);
        Assert.Empty(after.NextRuns);
        Assert.Equal(2, _rig.Target.Requests.Count);
    }

    [Fact]
    public async Task TheSweeper_RearmsAChainWhoseWakeUpWasLost_AndItsFiringCatchesUp()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\"");
        At(Start.AddMinutes(7));
        Assert.Single(await QueuedAsync()); // received and dropped: the wake-up is lost

        await _rig.Sweeper.SweepAsync(InvocationContext.Create("sweep", TimeSpan.FromMinutes(5), _rig.Clock));

        var wakeUp = Assert.Single(await QueuedAsync());
        Assert.Equal((schedule.ScheduleId, Timestamps.Format(Start.AddMinutes(1))), (wakeUp.ScheduleId, wakeUp.Occurrence));
        await _rig.Forwarding.ProcessAsync(wakeUp, InvocationContext.Create("x", TimeSpan.FromSeconds(90), _rig.Clock));
        var run = Assert.Single(await RunsAsync(schedule.ScheduleId));
        Assert.True(run.Late);
        Assert.Equal(Start.AddMinutes(8), (await ReadAsync(schedule.ScheduleId))!.NextRunAt);
    }

    [Fact]
    public async Task AFiringRecordedByAnInvocationThatDied_IsFinishedByItsRetry_WithOneRun()
    {
        // The first invocation armed the next wake-up, wrote the firing (next occurrence, last run), and died before creating the run.
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 minute)\"");
        At(Start.AddMinutes(1));
        var occurrence = Start.AddMinutes(1);
        var run = new ScheduleRun(ScheduleIds.RunId(schedule.ScheduleId, occurrence), occurrence, occurrence, occurrence, false);
        Assert.NotNull(await _rig.Schedules.ReplaceAsync(schedule with { NextRunAt = Start.AddMinutes(2), LastRun = run }, CancellationToken.None));
        Assert.Single(await QueuedAsync()); // the 09:01 wake-up, taken by the invocation that died

        await WakeAsync(schedule.ScheduleId, occurrence);
        await WakeAsync(schedule.ScheduleId, occurrence);

        Assert.Equal(occurrence, Assert.Single(_rig.Target.Requests).At);
        Assert.Equal(TaskState.Succeeded, (await _rig.TaskAsync(run.TaskId)).Status);
        Assert.Equal(Start.AddMinutes(2), (await ReadAsync(schedule.ScheduleId))!.NextRunAt);
    }

    [Fact]
    public async Task RunNow_DeliversOneRunNow_WithoutMovingTheNextOccurrence()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 hour)\"");
        At(Start.AddMinutes(10));

        var run = await _rig.Recurring.RunNowAsync(Billing, schedule.ScheduleId, CancellationToken.None);

        Assert.NotNull(run);
        Assert.Equal((Start.AddMinutes(10), schedule.ScheduleId), (run.Occurrence!.Value, run.ScheduleId));
        var wakeUp = Assert.Single(await QueuedAsync());
        Assert.Equal(run.TaskId, wakeUp.TaskId);
        await _rig.WakeAsync(run.TaskId);
        Assert.Equal(Start.AddMinutes(10), Assert.Single(_rig.Target.Requests).At);
        var after = await ReadAsync(schedule.ScheduleId);
        Assert.Equal(Start.AddHours(1), after!.NextRunAt);
        Assert.Equal(run.TaskId, after.LastRun!.TaskId);
    }

    [Fact]
    public async Task AnotherCallersSchedule_IsNotFound_ForEveryAction()
    {
        var schedule = await CreateAsync("\"schedule_expression\": \"rate(1 hour)\"");

        Assert.Null(await _rig.Recurring.GetAsync(Other, schedule.ScheduleId, CancellationToken.None));
        Assert.IsType<ScheduleOutcome.NotFound>(await _rig.Recurring.UpdateAsync(Other, schedule.ScheduleId, new RecurringScheduleRequest { State = "paused" }, "x", CancellationToken.None));
        Assert.False(await _rig.Recurring.DeleteAsync(Other, schedule.ScheduleId, CancellationToken.None));
        Assert.Null(await _rig.Recurring.RunNowAsync(Other, schedule.ScheduleId, CancellationToken.None));
        Assert.Null(await _rig.Recurring.RunsAsync(Other, schedule.ScheduleId, 10, null, CancellationToken.None));
        var listed = Assert.IsType<ScheduleListOutcome.Listed>(await _rig.Recurring.ListAsync(Other, null, null, 10, null, CancellationToken.None));
        Assert.Empty(listed.Schedules);
        Assert.NotNull(await _rig.Recurring.GetAsync(new Caller(Caller.BootstrapName, true), schedule.ScheduleId, CancellationToken.None));
        Assert.Equal(ScheduleState.Enabled, (await ReadAsync(schedule.ScheduleId))!.State);
    }

    [Theory]
    [InlineData("\"schedule_expression\": \"cron(0 9 * * * *)\"", "schedule_expression")]
    [InlineData("\"schedule_expression\": \"rate(30 seconds)\"", "schedule_expression")]
    [InlineData("\"schedule_expression\": \"every day\"", "schedule_expression")]
    [InlineData("\"url\": null", "schedule_expression")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"time_zone\": \"Mars/Olympus\"", "time_zone")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"start_at\": \"tomorrow\"", "start_at")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"start_at\": \"2027-01-02T00:00:00Z\", \"end_at\": \"2027-01-01T00:00:00Z\"", "end_at")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"end_at\": \"2026-11-30T08:00:00Z\"", "end_at")]
    [InlineData("\"schedule_expression\": \"cron(0 9 * * ? 2020)\"", "schedule_expression")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"catch_up\": \"all\"", "catch_up")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"overlap\": \"queue\"", "overlap")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"state\": \"ended\"", "state")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"max_attempts\": 0", "max_attempts")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"method\": \"TRACE\"", "method")]
    [InlineData("\"schedule_expression\": \"rate(1 hour)\", \"name\": \"\"", "name")]
    public async Task ABadRequest_IsRefusedNamingItsField_AndCreatesNothing(string fields, string field)
    {
        var outcome = await _rig.Recurring.CreateAsync(Request(fields), Billing, "x", CancellationToken.None);

        var invalid = Assert.IsType<ScheduleOutcome.Invalid>(outcome);
        Assert.Contains(field, invalid.Errors.Keys);
        Assert.Empty((await _rig.Schedules.ListAsync("billing", null, 10, null, CancellationToken.None)).Schedules);
        At(Start.AddDays(1));
        Assert.Empty(await QueuedAsync());
    }

    [Theory]
    // 2027-03-14 02:30 does not exist in New York (spring forward): that day is skipped.
    [InlineData("cron(30 2 * * ? *)", "America/New_York", "2027-03-12T12:00:00Z", "2027-03-13T02:30:00-05:00 2027-03-15T02:30:00-04:00 2027-03-16T02:30:00-04:00 2027-03-17T02:30:00-04:00 2027-03-18T02:30:00-04:00")]
    // 2027-11-07 01:30 happens twice in New York (fall back): it runs once, at the first (EDT).
    [InlineData("cron(30 1 * * ? *)", "America/New_York", "2027-11-05T12:00:00Z", "2027-11-06T01:30:00-04:00 2027-11-07T01:30:00-04:00 2027-11-08T01:30:00-05:00 2027-11-09T01:30:00-05:00 2027-11-10T01:30:00-05:00")]
    // A rate counts fixed hours across the change: the wall clock shows the jump.
    [InlineData("rate(1 hour)", "America/New_York", "2027-11-07T04:30:00Z", "2027-11-07T01:30:00-04:00 2027-11-07T01:30:00-05:00 2027-11-07T02:30:00-05:00 2027-11-07T03:30:00-05:00 2027-11-07T04:30:00-05:00")]
    // Seoul has no daylight saving: nine o'clock on weekdays, always +09:00.
    [InlineData("cron(0 9 ? * MON-FRI *)", "Asia/Seoul", "2027-03-12T12:00:00Z", "2027-03-15T09:00:00+09:00 2027-03-16T09:00:00+09:00 2027-03-17T09:00:00+09:00 2027-03-18T09:00:00+09:00 2027-03-19T09:00:00+09:00")]
    public async Task NextRuns_AreExactlyWhatFires_AroundDaylightSavingAndWithout(string expression, string zone, string createdAt, string expected)
    {
        At(DateTimeOffset.Parse(createdAt, System.Globalization.CultureInfo.InvariantCulture));
        var schedule = await CreateAsync($"\"schedule_expression\": \"{expression}\", \"time_zone\": \"{zone}\"");
        var view = await _rig.Recurring.GetAsync(Billing, schedule.ScheduleId, CancellationToken.None);

        Assert.Equal(expected.Split(' '), view!.NextRuns.Select(ScheduleTimes.Format));

        // Firing each in turn follows the same list, one call each.
        foreach (var occurrence in view.NextRuns)
        {
            At(occurrence);
            await WakeAsync(schedule.ScheduleId, occurrence);
        }

        Assert.Equal(view.NextRuns.Select(o => o.UtcDateTime), _rig.Target.Requests.Select(r => r.At.UtcDateTime));
    }

    [Fact]
    public async Task AnIdempotencyKey_ReplaysTheSameCreate_AndRefusesADifferentOne()
    {
        var first = await _rig.Recurring.CreateAsync(Request("\"schedule_expression\": \"rate(1 hour)\", \"idempotency_key\": \"weekly-1\""), Billing, "x", CancellationToken.None);
        var again = await _rig.Recurring.CreateAsync(Request("\"schedule_expression\": \"rate(1 hour)\", \"idempotency_key\": \"weekly-1\""), Billing, "x", CancellationToken.None);
        var other = await _rig.Recurring.CreateAsync(Request("\"schedule_expression\": \"rate(2 hours)\", \"idempotency_key\": \"weekly-1\""), Billing, "x", CancellationToken.None);

        var created = Assert.IsType<ScheduleOutcome.Saved>(first);
        var replayed = Assert.IsType<ScheduleOutcome.Saved>(again);
        Assert.True(replayed.Replayed);
        Assert.Equal(created.View.Schedule.ScheduleId, replayed.View.Schedule.ScheduleId);
        Assert.Equal(created.View.Schedule.ScheduleId, Assert.IsType<ScheduleOutcome.KeyReused>(other).ExistingId);
        Assert.Single((await _rig.Schedules.ListAsync("billing", null, 10, null, CancellationToken.None)).Schedules);
    }

    [Fact]
    public void RunIds_FollowFromTheScheduleAndTheOccurrence_AndAreValidTaskIds()
    {
        var id = ScheduleIds.New();
        var a = ScheduleIds.RunId(id, Start);

        Assert.Equal(a, ScheduleIds.RunId(id, Start));
        Assert.NotEqual(a, ScheduleIds.RunId(id, Start.AddMinutes(1)));
        Assert.NotEqual(a, ScheduleIds.RunId(ScheduleIds.New(), Start));
        Assert.True(TaskIds.IsValid(a));
        Assert.Equal('7', a[12]);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), Convert.ToInt64(a[..12], 16));
    }

    public void Dispose() => _rig.Dispose();
}
