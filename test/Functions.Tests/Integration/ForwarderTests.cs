using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Functions.Forwarder;
using Functions.Hosting;
using Functions.Tasks;
using Functions.Tasks.Requests;
using Functions.Tests.Support;

namespace Functions.Tests.Integration;

/// <summary>The forwarder end to end: tasks scheduled through the API in moto, the forwarder's entry point woken as
/// Scheduler or SQS would wake it, and a real HTTP target on 127.0.0.1.</summary>
[Collection(MotoGroup.Name)]
public sealed class ForwarderTests(MotoServer moto)
{
    private static Task<TaskApi> ApiAsync(MotoServer moto, Action<Dictionary<string, string?>>? adjust = null) =>
        TaskApi.CreateAsync(moto, s =>
        {
            s[SettingNames.AllowedTargetHosts] = "127.0.0.1";
            s[SettingNames.RetryBaseSeconds] = "1";
            s[SettingNames.RetryCapSeconds] = "2";
            adjust?.Invoke(s);
        });

    private static async Task<string> ScheduleAsync(TaskApi api, string url, string extra = "", string data = """{"order": 42, "note": "héllo"}""")
    {
        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", $$$"""{"delay_seconds": 1, "url": "{{{url}}}", "data": {{{data}}}{{{extra}}}}""");
        Assert.Equal(202, response.StatusCode);
        return TaskApi.Json(response).GetProperty("task_id").GetString()!;
    }

    /// <summary>Wakes the forwarder as a schedule does: an asynchronous invocation with the schedule's Input.</summary>
    private static async Task WakeAsync(TaskApi api, string taskId)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(new Functions.Tasks.WakeUps.WakeUpMessage { TaskId = taskId }.ToJson()));
        await api.Host("ForwarderFunction").Host.EntryPoint(input, InvocationContext.Create(Guid.NewGuid().ToString(), TimeSpan.FromSeconds(90)));
    }

    private static async Task<JsonElement> TaskAsync(TaskApi api, string taskId) => TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{taskId}"));

    /// <summary>Standard Webhooks, computed here from the spec with System.Security.Cryptography alone.</summary>
    private static string ExpectedSignature(string secret, string id, string timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    [Fact]
    public async Task ADueTask_IsDeliveredSignedWithItsPayload_AndSucceeds()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/hook", """, "headers": {"X-Tenant": "acme"}""");

        await WakeAsync(api, taskId);

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
        Assert.InRange(long.Parse(hit.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(ExpectedSignature(TaskApi.SigningSecret, hit.Headers["webhook-id"], hit.Headers["webhook-timestamp"], hit.Body), hit.Headers["webhook-signature"]);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal(1, task.GetProperty("attempts").GetInt32());
        Assert.Equal(200, task.GetProperty("last_status_code").GetInt32());
        // Woken just before run_at, it waited out the rest: the call landed at run_at, not before.
        var runAt = DateTimeOffset.Parse(task.GetProperty("run_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(hit.At - runAt, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A500ThenA200_IsRetriedOnANewScheduleAndCountsBothAttempts()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto, s => s[SettingNames.DeliveryPrecision] = "minute");
        target.Then(500, retryAfter: "1");
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/flaky");

        await WakeAsync(api, taskId);
        var afterFirst = await TaskAsync(api, taskId);
        var retrySchedule = await api.Scheduler.GetScheduleAsync($"task-{taskId}-2", api.Group, CancellationToken.None);
        await Task.Delay(1200);
        await WakeAsync(api, taskId);

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
    }

    [Fact]
    public async Task ARetry_AtSecondPrecision_RidesTheDeliveryQueue()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        target.Then(503);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/busy");
        using var sqs = moto.Sqs();
        await sqs.PurgeQueueAsync(api.DeliveryQueueUrl);

        await WakeAsync(api, taskId);

        Assert.Equal("retrying", (await TaskAsync(api, taskId)).GetProperty("status").GetString());
        var received = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.DeliveryQueueUrl, WaitTimeSeconds = 5 });
        Assert.Contains(taskId, Assert.Single(received.Messages).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APermanent4xx_FailsAtOnce_AndIsParkedOnTheDeadLetterQueue()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        target.Then(404);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/gone", """, "max_attempts": 5""");

        await WakeAsync(api, taskId);

        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Equal(1, task.GetProperty("attempts").GetInt32());
        Assert.Equal(404, task.GetProperty("last_status_code").GetInt32());
        using var sqs = moto.Sqs();
        var parked = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.DeadLetterQueueUrl, WaitTimeSeconds = 2 });
        using var record = JsonDocument.Parse(Assert.Single(parked.Messages).Body);
        Assert.Equal(taskId, record.RootElement.GetProperty("task_id").GetString());
        Assert.Equal(404, record.RootElement.GetProperty("last_status_code").GetInt32());
    }

    [Fact]
    public async Task ATimeout_OnTheLastAttempt_FailsTheTask()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        target.ThenHang(TimeSpan.FromSeconds(5));
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/slow", """, "timeout_seconds": 1, "max_attempts": 1""");

        await WakeAsync(api, taskId);

        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.StartsWith("Timed out", task.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, task.GetProperty("last_status_code").ValueKind);
    }

    [Fact]
    public async Task ARedirect_IsTheOutcome_AndIsNotFollowed()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        target.Then(302, location: target.BaseUrl + "/elsewhere");
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/moved");

        await WakeAsync(api, taskId);

        Assert.Equal("/moved", Assert.Single(target.Hits).Path);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Equal(302, task.GetProperty("last_status_code").GetInt32());
    }

    [Fact]
    public async Task TwoWakeUpsForOneAttempt_MakeOneRequest()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/once");
        api.Host("ForwarderFunction");

        await Task.WhenAll(WakeAsync(api, taskId), WakeAsync(api, taskId), WakeAsync(api, taskId));
        await WakeAsync(api, taskId);

        Assert.Single(target.Hits);
        Assert.Equal(1, (await TaskAsync(api, taskId)).GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task ATaskCancelledBeforeItsWakeUp_IsNeverSent()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/never");
        Assert.Equal(200, (await api.SendAsync("DELETE", $"/api/v1/tasks/{taskId}")).StatusCode);

        await WakeAsync(api, taskId);

        Assert.Empty(target.Hits);
        Assert.Equal("cancelled", (await TaskAsync(api, taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AQueueBatch_ReportsOnlyItsFailedMessages()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/batch");
        var batch = $$"""{"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":{{JsonSerializer.Serialize(new Functions.Tasks.WakeUps.WakeUpMessage { TaskId = taskId }.ToJson())}}},{"messageId":"m2","eventSource":"aws:sqs","body":"not json"}]}""";

        using var input = new MemoryStream(Encoding.UTF8.GetBytes(batch));
        var output = await api.Host("ForwarderFunction").Host.EntryPoint(input, InvocationContext.Create("batch", TimeSpan.FromSeconds(90)));

        using var response = JsonDocument.Parse(output);
        Assert.Empty(response.RootElement.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Single(target.Hits);
        Assert.Equal("succeeded", (await TaskAsync(api, taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ALoopbackTarget_IsRefusedAtConnect_WhenTheForwarderDoesNotAllowIt()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/internal");
        api.Settings[SettingNames.AllowedTargetHosts] = "";

        await WakeAsync(api, taskId);

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
        const string newKey = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        await using var api = await ApiAsync(moto, s => s[SettingNames.SigningSecret] = newKey + " " + TaskApi.SigningSecret);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/rotating");

        await WakeAsync(api, taskId);

        var hit = Assert.Single(target.Hits);
        var entries = hit.Headers["webhook-signature"].Split(' ');
        Assert.Equal(
            [ExpectedSignature(newKey, taskId, hit.Headers["webhook-timestamp"], hit.Body), ExpectedSignature(TaskApi.SigningSecret, taskId, hit.Headers["webhook-timestamp"], hit.Body)],
            entries);
    }

    [Fact]
    public async Task AFailedClaimantsLease_LetsTheNextWakeUpTakeTheAttemptOver()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/lease");
        var store = api.Host("ForwarderFunction").Host.Services.GetService(typeof(Functions.Tasks.ITaskStore)) as Functions.Tasks.ITaskStore;
        await Task.Delay(1100);

        // A worker claimed the attempt and died: its lease ran out without an outcome.
        var dead = await store!.ClaimAsync(taskId, DateTimeOffset.UtcNow.AddSeconds(2), DateTimeOffset.UtcNow.AddMilliseconds(-1), CancellationToken.None);
        await WakeAsync(api, taskId);

        Assert.True(dead.Moved);
        Assert.Single(target.Hits);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal(2, task.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task AWakeUpWhileAnotherWorkerHoldsTheAttempt_IsRearmedForTheLeasesEnd_NotDropped()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/held");
        var store = (Functions.Tasks.ITaskStore)api.Host("ForwarderFunction").Host.Services.GetService(typeof(Functions.Tasks.ITaskStore))!;
        await Task.Delay(1100);
        using var sqs = moto.Sqs();
        await sqs.PurgeQueueAsync(api.DeliveryQueueUrl);
        Assert.True((await store.ClaimAsync(taskId, DateTimeOffset.UtcNow.AddSeconds(2), DateTimeOffset.UtcNow.AddSeconds(30), CancellationToken.None)).Moved);

        await WakeAsync(api, taskId);

        Assert.Empty(target.Hits);
        var rearmed = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest
        {
            QueueUrl = api.DeliveryQueueUrl,
            WaitTimeSeconds = 1,
            MessageSystemAttributeNames = ["All"],
        });
        Assert.Empty(rearmed.Messages ?? []);
        var attributes = await sqs.GetQueueAttributesAsync(api.DeliveryQueueUrl, ["ApproximateNumberOfMessagesDelayed"]);
        Assert.Equal(1, attributes.ApproximateNumberOfMessagesDelayed);
    }

    [Fact]
    public async Task ALostWorkerOnTheLastAttempt_EndsTheTaskFailed()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var taskId = await ScheduleAsync(api, target.BaseUrl + "/lost", """, "max_attempts": 1""");
        var store = (Functions.Tasks.ITaskStore)api.Host("ForwarderFunction").Host.Services.GetService(typeof(Functions.Tasks.ITaskStore))!;
        await Task.Delay(1100);
        Assert.True((await store.ClaimAsync(taskId, DateTimeOffset.UtcNow.AddSeconds(2), DateTimeOffset.UtcNow.AddMilliseconds(-1), CancellationToken.None)).Moved);

        await WakeAsync(api, taskId);

        Assert.Empty(target.Hits);
        var task = await TaskAsync(api, taskId);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Contains("was lost", task.GetProperty("last_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSweeper_RearmsATaskLeftPendingByAFunctionThatDied_AndLeavesOthersAlone()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync(moto);
        var store = (Functions.Tasks.ITaskStore)api.Host("SweeperFunction").Host.Services.GetService(typeof(Functions.Tasks.ITaskStore))!;
        var now = DateTimeOffset.UtcNow;
        TaskRecord Pending(string id, DateTimeOffset created) => new()
        {
            TaskId = id, Status = TaskState.Pending, RunAt = now.AddSeconds(1), Url = target.BaseUrl + "/swept", Method = "POST",
            Headers = new Dictionary<string, string>(), Data = "{}", MaxAttempts = 3, TimeoutSeconds = 5, CreatedAt = created, UpdatedAt = created,
        };
        var lost = TaskIds.New();
        var fresh = TaskIds.New();
        await store.CreateAsync(Pending(lost, now.AddMinutes(-10)), null, CancellationToken.None);
        await store.CreateAsync(Pending(fresh, now), null, CancellationToken.None);
        using var sqs = moto.Sqs();
        await sqs.PurgeQueueAsync(api.DeliveryQueueUrl);

        using (var input = new MemoryStream("{}"u8.ToArray()))
        {
            await api.Host("SweeperFunction").Host.EntryPoint(input, InvocationContext.Create("sweep", TimeSpan.FromSeconds(60)));
        }

        var received = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.DeliveryQueueUrl, WaitTimeSeconds = 3, MaxNumberOfMessages = 10 });
        var message = Assert.Single(received.Messages ?? []);
        Assert.Contains(lost, message.Body, StringComparison.Ordinal);
        await Task.Delay(1100);
        await WakeAsync(api, lost);
        Assert.Equal("succeeded", (await TaskAsync(api, lost)).GetProperty("status").GetString());
    }
}
