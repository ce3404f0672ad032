using System.Text.Json;
using Functions.Hosting;
using Functions.Testing;
using Functions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Integration;

/// <summary>
/// What an operator does through the API, on moto with a real target on 127.0.0.1: read a task's data and every
/// attempt, retry it, list and redrive dead letters (a caller's own; an admin's every caller's and the system queue's).
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class OperatorApiTests(MotoServer moto)
{
    private const string Xss = "<img src=x onerror=alert(1)>";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private Task<TaskApi> ApiAsync() => TaskApi.CreateAsync(moto, s => s[SettingNames.AllowedTargetHosts] = "127.0.0.1", time: _clock);

    /// <summary>Schedules a task due at once (one attempt) to <paramref name="url"/> and wakes it: the target's answer decides how it ends.</summary>
    private static async Task<string> DeliveredOnceAsync(TaskApi api, string url, string? token = TestSettings.Token)
    {
        var body = $$$"""{"delay_seconds": 0, "max_attempts": 1, "url": "{{{url}}}", "headers": {"Authorization": "Bearer s3cret-value", "X-Tenant": "acme"}, "data": {"note": "{{{Xss}}}", "n": 1}}""";
        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", body, token: token);
        Assert.Equal(202, response.StatusCode);
        var taskId = TaskApi.Json(response).GetProperty("task_id").GetString()!;
        await api.WakeAsync(taskId);
        return taskId;
    }

    private static async Task<JsonElement> TaskAsync(TaskApi api, string taskId) => TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{taskId}"));

    [Fact]
    public async Task Get_ShowsTheDataAsSent_TheHeaderNamesWithoutTheirValues_AndEveryAttempt()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        target.ThenText(500, "boom: " + Xss);

        var taskId = await DeliveredOnceAsync(api, target.BaseUrl + "/hook");
        var response = await api.SendAsync("GET", $"/api/v1/tasks/{taskId}");

        Assert.DoesNotContain("s3cret-value", response.Body, StringComparison.Ordinal);
        var task = TaskApi.Json(response);
        Assert.Equal(Xss, task.GetProperty("data").GetProperty("note").GetString());
        Assert.Equal(["Authorization", "X-Tenant"], task.GetProperty("header_names").EnumerateArray().Select(h => h.GetString()));
        var attempt = Assert.Single(task.GetProperty("attempts_log").EnumerateArray());
        Assert.Equal(1, attempt.GetProperty("attempt").GetInt32());
        Assert.Equal(500, attempt.GetProperty("status_code").GetInt32());
        Assert.Equal("http_status", attempt.GetProperty("error_kind").GetString());
        Assert.Equal("boom: " + Xss, attempt.GetProperty("response").GetString());
        Assert.Equal("failed", attempt.GetProperty("outcome").GetString());
        Assert.Equal(Functions.Tasks.Timestamps.Format(_clock.GetUtcNow()), attempt.GetProperty("started_at").GetString());
    }

    [Fact]
    public async Task Retry_Is404ForAnUnknownTask_400ForABadRunAt_409NamingAnyOtherStatus_And202ForAFailedOne()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        target.Then(503);
        var failed = await DeliveredOnceAsync(api, target.BaseUrl + "/hook");
        var later = TaskApi.Json(await api.SendAsync("POST", "/api/v1/tasks/schedule", """{"delay_minutes": 30, "data": {}}""")).GetProperty("task_id").GetString()!;

        var unknown = await api.SendAsync("POST", "/api/v1/tasks/0123456789abcdef0123456789abcdef/retry");
        var malformed = await api.SendAsync("POST", "/api/v1/tasks/not-an-id/retry");
        var badRunAt = await api.SendAsync("POST", $"/api/v1/tasks/{failed}/retry", """{"run_at": "yesterday"}""");
        var unknownField = await api.SendAsync("POST", $"/api/v1/tasks/{failed}/retry", """{"forced": true}""");
        var notFinished = await api.SendAsync("POST", $"/api/v1/tasks/{later}/retry", """{"force": true}""");
        var unchanged = await TaskAsync(api, failed);
        var retried = await api.SendAsync("POST", $"/api/v1/tasks/{failed}/retry");

        Assert.Equal(404, unknown.StatusCode);
        Assert.Equal(400, malformed.StatusCode);
        Assert.Equal(400, badRunAt.StatusCode);
        Assert.True(TaskApi.Json(badRunAt).GetProperty("errors").TryGetProperty("run_at", out _));
        Assert.Equal(400, unknownField.StatusCode);
        Assert.Equal(409, notFinished.StatusCode);
        Assert.Equal("scheduled", TaskApi.Json(notFinished).GetProperty("task_status").GetString());
        Assert.Equal("application/problem+json", notFinished.Headers!["content-type"]);
        Assert.Equal("failed", unchanged.GetProperty("status").GetString());
        Assert.Equal(202, retried.StatusCode);
        Assert.Equal($"/api/v1/tasks/{failed}", retried.Headers!["location"]);
        Assert.Equal("scheduled", TaskApi.Json(retried).GetProperty("status").GetString());
        Assert.Equal(1, TaskApi.Json(retried).GetProperty("retries").GetInt32());

        // Delivered again (200 now): attempt 2, of the first retry; a second retry of the succeeded task needs force.
        await api.WakeAsync(failed);
        var done = await TaskAsync(api, failed);
        var again = await api.SendAsync("POST", $"/api/v1/tasks/{failed}/retry");
        var forced = await api.SendAsync("POST", $"/api/v1/tasks/{failed}/retry", """{"force": true}""");

        Assert.Equal(("succeeded", 2), (done.GetProperty("status").GetString(), done.GetProperty("attempts").GetInt32()));
        Assert.Equal([(1, 0, "failed"), (2, 1, "succeeded")], done.GetProperty("attempts_log").EnumerateArray().Select(a => (a.GetProperty("attempt").GetInt32(), a.GetProperty("retry").GetInt32(), a.GetProperty("outcome").GetString())));
        Assert.Equal(409, again.StatusCode);
        Assert.Contains("force", TaskApi.Json(again).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(202, forced.StatusCode);
        Assert.Equal(2, target.Hits.Count);
    }

    [Fact]
    public async Task DeadLetters_AreListedAndRedrivenPerCaller_AndTheSystemQueueByAdminsOnly()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var billing = TaskApi.Json(await api.SendAsync("POST", "/api/v1/keys", """{"caller": "billing"}""")).GetProperty("key").GetString()!;
        target.Then(500);
        target.Then(500);
        var billingTask = await DeliveredOnceAsync(api, target.BaseUrl + "/hook", billing);
        var adminTask = await DeliveredOnceAsync(api, target.BaseUrl + "/hook");
        using var sqs = moto.Sqs();
        await sqs.SendMessageAsync(api.DeadLetterQueueUrl, $$$"""{"requestContext":{"condition":"RetriesExhausted"},"requestPayload":{"task_id":"{{{adminTask}}}"}}""");

        var billingList = TaskApi.Json(await api.SendAsync("GET", "/api/v1/dead-letters", token: billing));
        var adminList = TaskApi.Json(await api.SendAsync("GET", "/api/v1/dead-letters"));
        var badQuery = await api.SendAsync("GET", "/api/v1/dead-letters", query: "status=succeeded");
        var billingSystem = await api.SendAsync("POST", "/api/v1/dead-letters/redrive", """{"system": true}""", token: billing);
        var billingOther = await api.SendAsync("POST", "/api/v1/dead-letters/redrive", $$"""{"task_ids": ["{{adminTask}}"]}""", token: billing);
        var billingOwn = await api.SendAsync("POST", "/api/v1/dead-letters/redrive", token: billing);
        var adminAll = await api.SendAsync("POST", "/api/v1/dead-letters/redrive", """{"system": true}""");

        Assert.Equal([billingTask], billingList.GetProperty("dead_letters").EnumerateArray().Select(t => t.GetProperty("task_id").GetString()));
        Assert.False(billingList.TryGetProperty("system", out _));
        Assert.Equal(new[] { adminTask, billingTask }.Order(StringComparer.Ordinal), adminList.GetProperty("dead_letters").EnumerateArray().Select(t => t.GetProperty("task_id").GetString()).Order(StringComparer.Ordinal));
        var system = adminList.GetProperty("system");
        Assert.Equal(1, system.GetProperty("approximate_count").GetInt64());
        Assert.Equal(adminTask, Assert.Single(system.GetProperty("messages").EnumerateArray()).GetProperty("task_id").GetString());
        Assert.Equal(400, badQuery.StatusCode);
        Assert.Equal(403, billingSystem.StatusCode);
        var skipped = Assert.Single(TaskApi.Json(billingOther).GetProperty("skipped").EnumerateArray());
        Assert.Equal((adminTask, "not_found"), (skipped.GetProperty("task_id").GetString(), skipped.GetProperty("reason").GetString()));
        Assert.Equal(0, TaskApi.Json(billingOther).GetProperty("redriven").GetInt32());
        Assert.Equal(1, TaskApi.Json(billingOwn).GetProperty("redriven").GetInt32());
        var all = TaskApi.Json(adminAll);
        Assert.Equal((1, 1, 0), (all.GetProperty("redriven").GetInt32(), all.GetProperty("system_redriven").GetInt32(), all.GetProperty("system_left").GetInt32()));
        Assert.Equal("scheduled", (await TaskAsync(api, billingTask)).GetProperty("status").GetString());
        Assert.Equal("scheduled", (await TaskAsync(api, adminTask)).GetProperty("status").GetString());
        var queued = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.DeliveryQueueUrl, MaxNumberOfMessages = 10 });
        Assert.Contains(queued.Messages, m => m.Body == $$"""{"task_id":"{{adminTask}}"}""");
        Assert.Equal(0, (await sqs.GetQueueAttributesAsync(api.DeadLetterQueueUrl, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages);
    }
}
