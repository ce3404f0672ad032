using System.Net;
using System.Text.Json;
using Functions.Forwarder;
using Functions.Hosting;
using Functions.Tasks;
using Functions.Tasks.Requests;
using Functions.Tasks.WakeUps;
using Functions.Testing;
using Functions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Integration;

/// <summary>
/// The forwarder end to end: tasks scheduled through the API in moto, the forwarder's entry point woken as
/// Scheduler or SQS would wake it, and a real HTTP target on 127.0.0.1. The functions run on a fake clock the
/// tests move, so no test waits for a task to come due (the waits themselves are unit-tested).
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class ForwarderTests(MotoServer moto)
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private Task<TaskApi> ApiAsync(Action<Dictionary<string, string?>>? adjust = null, TimeProvider? time = null) =>
        TaskApi.CreateAsync(moto, s =>
        {
            s[SettingNames.AllowedTargetHosts] = "127.0.0.1";
            s[SettingNames.RetryBaseSeconds] = "1";
            s[SettingNames.RetryCapSeconds] = "2";
            adjust?.Invoke(s);
        }, time: time ?? _clock);

    private async Task<string> ScheduleDueAsync(TaskApi api, string url, string extra = "", string data = """{"order": 42, "note": "héllo"}""")
    {
        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", $$$"""{"delay_seconds": 1, "url": "{{{url}}}", "data": {{{data}}}{{{extra}}}}""");
        Assert.Equal(202, response.StatusCode);
        _clock.Advance(TimeSpan.FromSeconds(1));
        return TaskApi.Json(response).GetProperty("task_id").GetString()!;
    }

    private static async Task<JsonElement> TaskAsync(TaskApi api, string taskId) => TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{taskId}"));

    /// <summary>Moves the clock to the task's run_at (a retry's, after a failed attempt).</summary>
    private async Task AdvanceToRunAtAsync(TaskApi api, string taskId)
    {
        var runAt = DateTimeOffset.Parse((await TaskAsync(api, taskId)).GetProperty("run_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        if (runAt > _clock.GetUtcNow())
        {
            _clock.Advance(runAt - _clock.GetUtcNow());
        }
    }

    [Fact]
    public async Task ADueTask_IsDeliveredSignedWithItsPayload_AndSucceeds()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/hook", """, "headers": {"X-Tenant": "acme"}""");

        await api.WakeAsync(taskId);

        var hit = Assert.Single(target.Hits);
        Assert.Equal("POST", hit.Method);
        Assert.Equal("/hook", hit.Path);
        using (var body = JsonDocument.Parse(hit.Body))
        {
            Assert.Equal(42, body.RootElement.GetProperty("order").GetInt32());
            Assert.Equal("héllo", body.RootElement.GetProperty("note").GetString());
        }

        Assert.StartsWith("application/json", hit.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(taskId, hit.Headers["idempotency-key"]);
        Assert.Equal("acme", hit.Headers["x-tenant"]);
        Assert.Equal(taskId, hit.Headers["webhook-id"]);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), hit.Headers["webhook-timestamp"]);
        Assert.Equal(Signatures.Expected(TestSettings.SigningSecret, hit.Headers["webhook-id"], hit.Headers["webhook-timestamp"], hit.Body), hit.Headers["webhook-signature"]);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal(1, task.GetProperty("attempts").GetInt32());
        Assert.Equal(200, task.GetProperty("last_status_code").GetInt32());
    }

    [Fact]
    public async Task A500ThenA200_IsRetriedOnANewScheduleAndCountsBothAttempts()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(s => s[SettingNames.DeliveryPrecision] = "minute");
        target.Then(500, retryAfter: "1");
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/flaky");

        await api.WakeAsync(taskId);
        var afterFirst = await TaskAsync(api, taskId);
        var retrySchedule = await api.Scheduler.GetScheduleAsync($"task-{taskId}-2", api.Group, CancellationToken.None);
        await AdvanceToRunAtAsync(api, taskId);
        await api.WakeAsync(taskId);

        Assert.Equal("retrying", afterFirst.GetProperty("status").GetString());
        Assert.Equal(500, afterFirst.GetProperty("last_status_code").GetInt32());
        Assert.EndsWith($"/task-{taskId}-2", afterFirst.GetProperty("schedule_arn").GetString(), StringComparison.Ordinal);
        Assert.NotNull(retrySchedule);
        Assert.Contains(taskId, retrySchedule.Target!.Input, StringComparison.Ordinal);
        Assert.Equal(2, target.Hits.Count);
        Assert.Equal(target.Hits.First().Headers["webhook-id"], target.Hits.Last().Headers["webhook-id"]);
        var final = await TaskAsync(api, taskId);
        Assert.Equal("succeeded", final.GetProperty("status").GetString());
        Assert.Equal(2, final.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, final.GetProperty("last_error").ValueKind);
    }

    [Fact]
    public async Task ARetry_AtSecondPrecision_RidesTheDeliveryQueue()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        target.Then(503);
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/busy");
        using var sqs = moto.Sqs();
        await sqs.PurgeQueueAsync(api.DeliveryQueueUrl);

        await api.WakeAsync(taskId);

        Assert.Equal("retrying", (await TaskAsync(api, taskId)).GetProperty("status").GetString());
        var received = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.DeliveryQueueUrl, WaitTimeSeconds = 5 });
        Assert.Contains(taskId, Assert.Single(received.Messages).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APermanent4xx_FailsAtOnce_AndIsParkedOnTheFailedDeliveriesQueue()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        target.Then(404);
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/gone?key=secret", """, "max_attempts": 5""");

        await api.WakeAsync(taskId);

        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Equal(1, task.GetProperty("attempts").GetInt32());
        Assert.Equal(404, task.GetProperty("last_status_code").GetInt32());
        using var sqs = moto.Sqs();
        var parked = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.FailedDeliveriesQueueUrl, WaitTimeSeconds = 2 });
        using var record = JsonDocument.Parse(Assert.Single(parked.Messages).Body);
        Assert.Equal(taskId, record.RootElement.GetProperty("task_id").GetString());
        Assert.Equal("admin", record.RootElement.GetProperty("caller").GetString());
        Assert.Equal(404, record.RootElement.GetProperty("last_status_code").GetInt32());
        Assert.DoesNotContain("secret", record.RootElement.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReal1SecondTimeout_OnTheLastAttempt_FailsTheTaskWithoutAStatus()
    {
        // The system clock here: the attempt's timeout is a real one against a target that does not answer.
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(time: TimeProvider.System);
        target.ThenHang(TimeSpan.FromSeconds(5));
        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", $$"""{"delay_seconds": 0, "url": "{{target.BaseUrl}}/slow", "data": {}, "timeout_seconds": 1, "max_attempts": 1}""");
        var taskId = TaskApi.Json(response).GetProperty("task_id").GetString()!;

        await api.WakeAsync(taskId);

        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.StartsWith("Timed out after 1 s", task.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, task.GetProperty("last_status_code").ValueKind);
    }

    [Fact]
    public async Task ARedirect_IsTheOutcome_AndIsNotFollowed()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        target.Then(302, location: target.BaseUrl + "/elsewhere");
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/moved");

        await api.WakeAsync(taskId);

        Assert.Equal("/moved", Assert.Single(target.Hits).Path);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Equal(302, task.GetProperty("last_status_code").GetInt32());
    }

    [Fact]
    public async Task RepeatedWakeUpsForOneAttempt_MakeOneRequest()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/once");
        api.Host("ForwarderFunction");

        // One after another: moto applies a conditional UpdateItem without a lock, so racing claims can both pass
        // there (DynamoDB's are atomic). The race itself is tested on the embedded store, which is atomic
        // (ForwardingServiceTests.ConcurrentWakeUpsForOneAttempt_MakeOneRequest) and in the store contract.
        for (var i = 0; i < 4; i++)
        {
            await api.WakeAsync(taskId);
        }

        Assert.Single(target.Hits);
        Assert.Equal(1, (await TaskAsync(api, taskId)).GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task ATaskCancelledBeforeItsWakeUp_IsNeverSent()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/never");
        Assert.Equal(200, (await api.SendAsync("DELETE", $"/api/v1/tasks/{taskId}")).StatusCode);

        await api.WakeAsync(taskId);

        Assert.Empty(target.Hits);
        Assert.Equal("cancelled", (await TaskAsync(api, taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AQueueBatch_ReportsOnlyItsFailedMessages()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/batch");
        var batch = $$"""{"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":{{JsonSerializer.Serialize(new WakeUpMessage { TaskId = taskId }.ToJson())}}},{"messageId":"m2","eventSource":"aws:sqs","body":"not json"}]}""";

        using var response = JsonDocument.Parse(await api.Host("ForwarderFunction").InvokeAsync(batch));

        Assert.Empty(response.RootElement.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Single(target.Hits);
        Assert.Equal("succeeded", (await TaskAsync(api, taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ALoopbackTarget_IsRefusedAtConnect_WhenTheForwarderDoesNotAllowIt()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/internal");
        api.Settings[SettingNames.AllowedTargetHosts] = "";

        await api.WakeAsync(taskId);

        Assert.Empty(target.Hits);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Contains("refused", task.GetProperty("last_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHostName_ThatResolvesToLoopback_IsRefused_UnlessAllowed()
    {
        await using var target = await TargetServer.StartAsync();
        var port = new Uri(target.BaseUrl).Port;
        TargetHttpClient.Resolver resolveToLoopback = (_, _) => Task.FromResult(new[] { IPAddress.Loopback });
        using var strict = TargetHttpClient.Create(TargetPolicy.FromSetting(null), resolveToLoopback);
        using var allowing = TargetHttpClient.Create(TargetPolicy.FromSetting("rebind.example"), resolveToLoopback);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync($"http://rebind.example:{port}/x"));
        using var admitted = await allowing.GetAsync($"http://rebind.example:{port}/y");

        Assert.IsType<BlockedTargetException>(refused.InnerException);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal("/y", Assert.Single(target.Hits).Path);
    }

    [Fact]
    public async Task DuringKeyRotation_EveryDeliveryCarriesOneSignaturePerKey()
    {
        await using var target = await TargetServer.StartAsync();
        const string NewKey = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        await using var api = await ApiAsync(s => s[SettingNames.SigningSecret] = NewKey + " " + TestSettings.SigningSecret);
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/rotating");

        await api.WakeAsync(taskId);

        var hit = Assert.Single(target.Hits);
        Assert.Equal(
            [Signatures.Expected(NewKey, taskId, hit.Headers["webhook-timestamp"], hit.Body), Signatures.Expected(TestSettings.SigningSecret, taskId, hit.Headers["webhook-timestamp"], hit.Body)],
            hit.Headers["webhook-signature"].Split(' '));
    }

    [Fact]
    public async Task ALapsedLeaseInDynamoDb_LetsTheNextWakeUpTakeTheAttemptOver()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/lease");
        var store = api.Store(moto);

        // A worker claimed the attempt and died: its lease runs out without an outcome.
        var dead = await store.ClaimAsync(taskId, _clock.GetUtcNow(), _clock.GetUtcNow().AddSeconds(30), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(31));
        await api.WakeAsync(taskId);

        Assert.True(dead.Moved);
        Assert.Single(target.Hits);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal(2, task.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task AWakeUpWhileAnotherWorkerHoldsTheAttempt_IsRearmedOnSqsForTheLeasesEnd()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var taskId = await ScheduleDueAsync(api, target.BaseUrl + "/held");
        using var sqs = moto.Sqs();
        await sqs.PurgeQueueAsync(api.DeliveryQueueUrl);
        Assert.True((await api.Store(moto).ClaimAsync(taskId, _clock.GetUtcNow(), _clock.GetUtcNow().AddSeconds(30), CancellationToken.None)).Moved);

        await api.WakeAsync(taskId);

        Assert.Empty(target.Hits);
        var attributes = await sqs.GetQueueAttributesAsync(api.DeliveryQueueUrl, ["ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessages"]);
        Assert.Equal(1, attributes.ApproximateNumberOfMessagesDelayed);
        Assert.Equal(0, attributes.ApproximateNumberOfMessages);
    }

    [Fact]
    public async Task TheSweeperFunction_RearmsATaskLeftPendingPastItsTime_AndLeavesOthersAlone()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var store = api.Store(moto);
        var now = _clock.GetUtcNow();
        TaskRecord Pending(string id, DateTimeOffset runAt) => new()
        {
            TaskId = id, Status = TaskState.Pending, RunAt = runAt, Url = target.BaseUrl + "/swept", Method = "POST",
            Headers = new Dictionary<string, string>(), Data = "{}", MaxAttempts = 3, TimeoutSeconds = 5, CreatedAt = now.AddMinutes(-20), UpdatedAt = now.AddMinutes(-20),
        };
        var lost = TaskIds.New();
        var fresh = TaskIds.New();
        await store.CreateAsync(Pending(lost, now.AddMinutes(-10)), null, CancellationToken.None);
        await store.CreateAsync(Pending(fresh, now.AddMinutes(-2)), null, CancellationToken.None);
        using var sqs = moto.Sqs();
        await sqs.PurgeQueueAsync(api.DeliveryQueueUrl);

        await api.Host("SweeperFunction").InvokeAsync("{}");

        var received = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.DeliveryQueueUrl, WaitTimeSeconds = 3, MaxNumberOfMessages = 10 });
        Assert.Contains(lost, Assert.Single(received.Messages ?? []).Body, StringComparison.Ordinal);
        await api.WakeAsync(lost);
        Assert.Equal("succeeded", (await TaskAsync(api, lost)).GetProperty("status").GetString());
    }
}
