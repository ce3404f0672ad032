using System.Net;
using System.Text.Json;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Functions.Tasks.DeadLetters;
using Functions.Tasks.Requests;
using Functions.Tasks.Scheduling;

namespace Functions.UnitTests.Forwarder;

/// <summary>
/// Retries by hand and dead-letter redrive, on the rig's fake clock: which statuses may be retried, the fresh attempt
/// budget and the attempts that go on counting, who may see and redrive what, and the system queue's wake-ups.
/// </summary>
public sealed class RetryAndRedriveTests : IDisposable
{
    private static readonly Caller Billing = new("billing", false);
    private static readonly Caller Emails = new("emails", false);
    private readonly DeliveryRig _rig = new();

    private static RetryTaskRequest Request(string json) => JsonSerializer.Deserialize(json, FunctionsJsonContext.Default.RetryTaskRequest)!;

    /// <summary>A task of <paramref name="caller"/> that ran out of attempts (each answered 500).</summary>
    private async Task<TaskRecord> FailedAsync(string caller = "admin", int attempts = 1)
    {
        var task = await _rig.ScheduleAsync($"\"delay_seconds\": 0, \"max_attempts\": {attempts}", caller);
        for (var i = 0; i < attempts; i++)
        {
            _rig.Target.Then(HttpStatusCode.InternalServerError);
            _rig.Clock.Advance((await _rig.TaskAsync(task.TaskId)).RunAt - _rig.Clock.GetUtcNow());
            await _rig.WakeAsync(task.TaskId);
        }

        var failed = await _rig.TaskAsync(task.TaskId);
        Assert.Equal(TaskState.Failed, failed.Status);
        return failed;
    }

    private async Task<TaskRecord> SucceededAsync(string caller = "admin")
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0", caller);
        await _rig.WakeAsync(task.TaskId);
        return await _rig.TaskAsync(task.TaskId);
    }

    /// <summary>Wakes the task when it is due, as many times as it has attempts to make.</summary>
    private async Task RunOutAsync(string taskId)
    {
        for (var task = await _rig.TaskAsync(taskId); !TaskStateMachine.IsFinal(task.Status); task = await _rig.TaskAsync(taskId))
        {
            _rig.Clock.Advance(task.RunAt > _rig.Clock.GetUtcNow() ? task.RunAt - _rig.Clock.GetUtcNow() : TimeSpan.Zero);
            await _rig.WakeAsync(taskId);
        }
    }

    [Fact]
    public async Task AFailedTask_RetriedNow_IsDeliveredAgain_WithAFreshBudget_AndItsAttemptsCountOn()
    {
        var failed = await FailedAsync(attempts: 2);

        var result = await _rig.Retries.RetryAsync(Caller.Bootstrap, failed.TaskId, new RetryTaskRequest(), CancellationToken.None);

        var retried = Assert.IsType<RetryResult.Retried>(result).Task;
        Assert.Equal((TaskState.Scheduled, 1, 2, _rig.Clock.GetUtcNow()), (retried.Status, retried.Retries, retried.AttemptsBefore, retried.RunAt));
        Assert.Equal(_rig.Clock.GetUtcNow(), retried.RetriedAt);
        Assert.Contains(failed.TaskId, await _rig.VisibleWakeUpsAsync());

        // The fresh budget is max_attempts again: one more 500 retries, then 200 succeeds (attempts 3 and 4).
        _rig.Target.Then(HttpStatusCode.InternalServerError);
        await RunOutAsync(failed.TaskId);

        var done = await _rig.TaskAsync(failed.TaskId);
        Assert.Equal((TaskState.Succeeded, 4), (done.Status, done.Attempts));
        Assert.Equal([(1, 0, "retrying"), (2, 0, "failed"), (3, 1, "retrying"), (4, 1, "succeeded")], done.AttemptLog.Select(a => (a.Attempt, a.Retry, a.Outcome)));
        Assert.Single(_rig.Target.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
    }

    [Fact]
    public async Task ARetryAtALaterTime_IsDueThen_AndNotBefore()
    {
        var failed = await FailedAsync();
        await _rig.VisibleWakeUpsAsync(); // the first delivery's wake-up, taken
        var at = _rig.Clock.GetUtcNow().AddMinutes(10);

        var result = await _rig.Retries.RetryAsync(Caller.Bootstrap, failed.TaskId, Request($$"""{"run_at": "{{Timestamps.Format(at)}}"}"""), CancellationToken.None);

        Assert.Equal(at, Assert.IsType<RetryResult.Retried>(result).Task.RunAt);
        Assert.DoesNotContain(failed.TaskId, await _rig.VisibleWakeUpsAsync());
        _rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Contains(failed.TaskId, await _rig.VisibleWakeUpsAsync());
    }

    [Fact]
    public async Task ASucceededTask_IsRetriedOnlyWhenForced()
    {
        var succeeded = await SucceededAsync();

        var refused = await _rig.Retries.RetryAsync(Caller.Bootstrap, succeeded.TaskId, new RetryTaskRequest(), CancellationToken.None);
        var unchanged = await _rig.TaskAsync(succeeded.TaskId);
        var forced = await _rig.Retries.RetryAsync(Caller.Bootstrap, succeeded.TaskId, Request("""{"force": true}"""), CancellationToken.None);
        await RunOutAsync(succeeded.TaskId);

        var wrong = Assert.IsType<RetryResult.WrongState>(refused);
        Assert.Equal((TaskState.Succeeded, true), (wrong.Task.Status, wrong.ForceWouldDo));
        Assert.Equal((TaskState.Succeeded, 0), (unchanged.Status, unchanged.Retries));
        Assert.IsType<RetryResult.Retried>(forced);
        Assert.Equal(2, _rig.Target.Requests.Count);
        Assert.Equal((TaskState.Succeeded, 2, 1), ((await _rig.TaskAsync(succeeded.TaskId)).Status, (await _rig.TaskAsync(succeeded.TaskId)).Attempts, (await _rig.TaskAsync(succeeded.TaskId)).Retries));
    }

    [Fact]
    public async Task AnUnfinishedOrCancelledTask_CannotBeRetried_EvenForced()
    {
        var scheduled = await _rig.ScheduleAsync("\"delay_seconds\": 600");
        var cancelled = await _rig.ScheduleAsync("\"delay_seconds\": 600");
        await new TaskCancellationService(_rig.Store, new Functions.Scheduler.SchedulerWakeUps(_rig.Scheduler, new(DeliveryRig.Group, "role", "fn", "dlq")), Microsoft.Extensions.Logging.Abstractions.NullLogger<TaskCancellationService>.Instance)
            .CancelAsync(Caller.Bootstrap, cancelled.TaskId, CancellationToken.None);

        foreach (var (task, status) in new[] { (scheduled, TaskState.Scheduled), (cancelled, TaskState.Cancelled) })
        {
            var result = await _rig.Retries.RetryAsync(Caller.Bootstrap, task.TaskId, Request("""{"force": true}"""), CancellationToken.None);
            var wrong = Assert.IsType<RetryResult.WrongState>(result);
            Assert.Equal((status, false), (wrong.Task.Status, wrong.ForceWouldDo));
            Assert.Equal(status, (await _rig.TaskAsync(task.TaskId)).Status);
        }
    }

    [Fact]
    public async Task AnotherCallersTask_AndAnUnknownOne_AreNotFound_AndNothingChanges()
    {
        var theirs = await FailedAsync("emails");

        var other = await _rig.Retries.RetryAsync(Billing, theirs.TaskId, new RetryTaskRequest(), CancellationToken.None);
        var unknown = await _rig.Retries.RetryAsync(Billing, TaskIds.New(), new RetryTaskRequest(), CancellationToken.None);
        var own = await _rig.Retries.RetryAsync(Emails, theirs.TaskId, new RetryTaskRequest(), CancellationToken.None);

        Assert.IsType<RetryResult.NotFound>(other);
        Assert.IsType<RetryResult.NotFound>(unknown);
        Assert.IsType<RetryResult.Retried>(own);
    }

    [Theory]
    [InlineData("""{"run_at": "2026-11-30T08:00:00Z"}""", "run_at is in the past.")]
    [InlineData("""{"run_at": "tomorrow"}""", "run_at must be an RFC 3339 time")]
    [InlineData("""{"run_at": "2028-01-01T00:00:00Z"}""", "run_at is more than 365 days away.")]
    public async Task ABadRunAt_IsRefusedByName_AndChangesNothing(string body, string message)
    {
        var failed = await FailedAsync();

        var result = await _rig.Retries.RetryAsync(Caller.Bootstrap, failed.TaskId, Request(body), CancellationToken.None);

        Assert.StartsWith(message, Assert.Single(Assert.IsType<RetryResult.Invalid>(result).Errors["run_at"]), StringComparison.Ordinal);
        var after = await _rig.TaskAsync(failed.TaskId);
        Assert.Equal((failed.Status, failed.Retries, failed.RunAt, failed.UpdatedAt), (after.Status, after.Retries, after.RunAt, after.UpdatedAt));
    }

    [Fact]
    public async Task DeadLetters_AreTheCallersFailedTasks_AndAnAdminsFirstPageShowsTheSystemQueueToo()
    {
        var billing = await FailedAsync("billing");
        var emails = await FailedAsync("emails");
        await SucceededAsync("billing");
        await PutSystemDeadLetterAsync("""{"task_id":"0123456789abcdef0123456789abcdef"}""");

        var own = await _rig.DeadLetters.ListAsync(Billing, null, 20, null, CancellationToken.None);
        var all = await _rig.DeadLetters.ListAsync(Caller.Bootstrap, null, 20, null, CancellationToken.None);
        var one = await _rig.DeadLetters.ListAsync(Caller.Bootstrap, "emails", 20, null, CancellationToken.None);
        var forbidden = await _rig.DeadLetters.ListAsync(Billing, "emails", 20, null, CancellationToken.None);

        Assert.Equal([billing.TaskId], Ids(own));
        Assert.Null(own.System);
        Assert.Equal([emails.TaskId, billing.TaskId], Ids(all));
        Assert.Equal(1, all.System!.Count);
        Assert.Equal("0123456789abcdef0123456789abcdef", DeadLetterWakeUps.Find(Assert.Single(all.System.Messages).Body)!.TaskId);
        Assert.Equal([emails.TaskId], Ids(one));
        Assert.Null(one.System);
        Assert.IsType<ListResult.Forbidden>(forbidden.Tasks);
    }

    [Fact]
    public async Task Redrive_DeliversTheCallersFailedTasksAgain_AndNoOneElses()
    {
        var billing = await FailedAsync("billing");
        var emails = await FailedAsync("emails");

        var someoneElses = await _rig.DeadLetters.RedriveAsync(Billing, new RedriveRequest { Caller = "emails" }, CancellationToken.None);
        var result = await _rig.DeadLetters.RedriveAsync(Billing, new RedriveRequest(), CancellationToken.None);
        await RunOutAsync(billing.TaskId);

        Assert.Equal("caller", Assert.IsType<RedriveResult.Forbidden>(someoneElses).Field);

        var redriven = Assert.IsType<RedriveResult.Redriven>(result);
        Assert.Equal((1, false, null), (redriven.Count, redriven.More, redriven.SystemCount));
        Assert.Empty(redriven.Skipped);
        Assert.Equal((TaskState.Succeeded, 1), ((await _rig.TaskAsync(billing.TaskId)).Status, (await _rig.TaskAsync(billing.TaskId)).Retries));
        Assert.Equal((TaskState.Failed, 0), ((await _rig.TaskAsync(emails.TaskId)).Status, (await _rig.TaskAsync(emails.TaskId)).Retries));
    }

    [Fact]
    public async Task Redrive_OfNamedTasks_SkipsOthersUnknownAndUnfinished_ByReason()
    {
        var own = await FailedAsync("billing");
        var succeeded = await SucceededAsync("billing");
        var theirs = await FailedAsync("emails");
        var unknown = TaskIds.New();

        var result = await _rig.DeadLetters.RedriveAsync(Billing, new RedriveRequest { TaskIds = [own.TaskId, succeeded.TaskId, theirs.TaskId, unknown, own.TaskId] }, CancellationToken.None);

        var redriven = Assert.IsType<RedriveResult.Redriven>(result);
        Assert.Equal(1, redriven.Count);
        Assert.Equal(
            new[] { (succeeded.TaskId, "succeeded"), (theirs.TaskId, "not_found"), (unknown, "not_found") }.OrderBy(s => s.Item1),
            redriven.Skipped.Select(s => (s.TaskId, s.Reason)).OrderBy(s => s.TaskId));
        Assert.Equal(TaskState.Failed, (await _rig.TaskAsync(theirs.TaskId)).Status);
        Assert.Equal(TaskState.Scheduled, (await _rig.TaskAsync(own.TaskId)).Status);
    }

    [Fact]
    public async Task Redrive_OfTheSystemQueue_IsForAdmins_AndPutsItsWakeUpsBackOnTheDeliveryQueue()
    {
        const string Direct = "0123456789abcdef0123456789abcdef";
        const string FromLambda = "fedcba9876543210fedcba9876543210";
        await PutSystemDeadLetterAsync($$"""{"task_id":"{{Direct}}","scheduler_attempt":"186"}""");
        await PutSystemDeadLetterAsync($$$"""{"version":"1.0","requestContext":{"condition":"RetriesExhausted"},"requestPayload":{"task_id":"{{{FromLambda}}}"}}""");
        await PutSystemDeadLetterAsync("not a wake-up");
        Assert.Empty(await _rig.VisibleWakeUpsAsync());

        var refused = await _rig.DeadLetters.RedriveAsync(Billing, new RedriveRequest { System = true }, CancellationToken.None);
        var result = await _rig.DeadLetters.RedriveAsync(Caller.Bootstrap, new RedriveRequest { System = true }, CancellationToken.None);

        Assert.Equal("system", Assert.IsType<RedriveResult.Forbidden>(refused).Field);
        var redriven = Assert.IsType<RedriveResult.Redriven>(result);
        Assert.Equal((2, 1), (redriven.SystemCount, redriven.SystemLeft));
        Assert.Equal([Direct, FromLambda], (await _rig.VisibleWakeUpsAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(1, await _rig.SystemDeadLetters.CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"task_ids": []}""", "task_ids")]
    [InlineData("""{"task_ids": ["nope"]}""", "task_ids[0]")]
    [InlineData("""{"caller": "Not A Caller"}""", "caller")]
    [InlineData("""{"task_ids": ["0123456789abcdef0123456789abcdef"], "caller": "billing"}""", "caller")]
    public async Task Redrive_WithBadInput_NamesTheField_AndRedrivesNothing(string body, string field)
    {
        var failed = await FailedAsync();

        var result = await _rig.DeadLetters.RedriveAsync(Caller.Bootstrap, JsonSerializer.Deserialize(body, FunctionsJsonContext.Default.RedriveRequest)!, CancellationToken.None);

        Assert.Contains(field, Assert.IsType<RedriveResult.Invalid>(result).Errors.Keys);
        Assert.Equal(TaskState.Failed, (await _rig.TaskAsync(failed.TaskId)).Status);
    }

    [Fact]
    public async Task Redrive_OfMoreThanAHundredNamedTasks_IsRefused()
    {
        var result = await _rig.DeadLetters.RedriveAsync(Caller.Bootstrap, new RedriveRequest { TaskIds = [.. Enumerable.Range(0, 101).Select(_ => TaskIds.New())] }, CancellationToken.None);

        Assert.Contains("task_ids", Assert.IsType<RedriveResult.Invalid>(result).Errors.Keys);
    }

    private static List<string> Ids(DeadLetterList list) => [.. Assert.IsType<ListResult.Listed>(list.Tasks).Page.Tasks.Select(t => t.TaskId)];

    private Task<int> PutSystemDeadLetterAsync(string body) => _rig.Database.RunAsync(sql =>
        sql.Command("INSERT INTO messages (queue, body, visible_at) VALUES ('dead-letter', $b, 0)", ("$b", body)).ExecuteNonQuery());

    public void Dispose() => _rig.Dispose();
}
