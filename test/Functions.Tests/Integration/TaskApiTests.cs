using Functions.Testing;
using Functions.Hosting;
using System.Text.Json;
using Functions.Tasks;
using Functions.Tests.Support;

namespace Functions.Tests.Integration;

/// <summary>Schedule, inspect, list and cancel, through the functions' entry points, against moto_server.</summary>
[Collection(MotoGroup.Name)]
public sealed class TaskApiTests(MotoServer moto)
{
    private const string GuideBody = """{"delay_minutes": 30, "data": {"task_id": 123, "user_id": 456, "action": "send_notification"}}""";

    [Fact]
    public async Task Schedule_WithTheGuidesExample_WritesTheTaskAndAScheduleThatCarriesOnlyItsId()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        // run_at is written to the millisecond: the lower bound is too, or a request within the same millisecond fails.
        var now = DateTimeOffset.UtcNow;
        var before = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));

        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", GuideBody);

        Assert.Equal(202, response.StatusCode);
        var body = TaskApi.Json(response);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("Task scheduled successfully", body.GetProperty("message").GetString());
        Assert.Equal(30, body.GetProperty("scheduled_in_minutes").GetInt64());
        Assert.Equal("scheduled", body.GetProperty("status").GetString());
        var taskId = body.GetProperty("task_id").GetString()!;
        var arn = body.GetProperty("schedule_arn").GetString()!;
        Assert.EndsWith($"schedule/{api.Group}/task-{taskId}", arn, StringComparison.Ordinal);
        var runAt = DateTimeOffset.Parse(body.GetProperty("run_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(runAt, before.AddMinutes(30), DateTimeOffset.UtcNow.AddMinutes(30));

        var schedule = await api.Scheduler.GetScheduleAsync($"task-{taskId}", api.Group, CancellationToken.None);
        Assert.NotNull(schedule);
        Assert.Matches(@"^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$", schedule.ScheduleExpression);
        var at = DateTime.ParseExact(schedule.ScheduleExpression![3..^1], "yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        // Second precision: the schedule wakes the forwarder two minutes early; the queue carries the rest.
        Assert.InRange((at - (runAt - Functions.Tasks.WakeUps.WakeUpPlan.ScheduleLead).UtcDateTime).TotalSeconds, 0, 1);
        Assert.Equal("OFF", schedule.FlexibleTimeWindow!.Mode);
        Assert.Equal("DELETE", schedule.ActionAfterCompletion);
        Assert.Equal(api.Settings[SettingNames.ForwarderArn], schedule.Target!.Arn);
        Assert.Equal(api.Settings[SettingNames.SchedulerRoleArn], schedule.Target.RoleArn);
        Assert.Equal(api.Settings[SettingNames.DeadLetterQueueArn], schedule.Target.DeadLetterConfig!.Arn);
        Assert.Equal(185, schedule.Target.RetryPolicy!.MaximumRetryAttempts);
        using var input = JsonDocument.Parse(schedule.Target.Input!);
        Assert.Equal(taskId, input.RootElement.GetProperty("task_id").GetString());
        Assert.Equal("<aws.scheduler.attempt-number>", input.RootElement.GetProperty("scheduler_attempt").GetString());
        Assert.DoesNotContain("send_notification", schedule.Target.Input, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSettings.Token, schedule.Target.Input, StringComparison.Ordinal);

        var task = TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{taskId}"));
        Assert.Equal("scheduled", task.GetProperty("status").GetString());
        Assert.Equal("https://api.example.com/api/v1/tasks/callback", task.GetProperty("url").GetString());
        Assert.Equal("POST", task.GetProperty("method").GetString());
        Assert.Equal(0, task.GetProperty("attempts").GetInt32());
        Assert.Equal(arn, task.GetProperty("schedule_arn").GetString());
        Assert.Equal(JsonValueKind.Null, task.GetProperty("last_status_code").ValueKind);
    }

    [Fact]
    public async Task Schedule_AtMinutePrecision_PutsTheScheduleAtRunAtItself()
    {
        await using var api = await TaskApi.CreateAsync(moto, s => s[SettingNames.DeliveryPrecision] = "minute");

        var runAt = DateTimeOffset.UtcNow.Date.AddDays(2).AddHours(3).AddMinutes(4).AddSeconds(5.5);
        var body = TaskApi.Json(await api.SendAsync("POST", "/api/v1/tasks/schedule", "{\"run_at\": \"" + runAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) + "\", \"data\": {}}"));

        var schedule = await api.Scheduler.GetScheduleAsync($"task-{body.GetProperty("task_id").GetString()}", api.Group, CancellationToken.None);
        Assert.Equal("at(" + runAt.AddSeconds(0.5).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + ")", schedule!.ScheduleExpression);
        Assert.Equal("UTC", schedule.ScheduleExpressionTimezone);
    }

    [Fact]
    public async Task Schedule_WithinFifteenMinutes_RidesTheDeliveryQueueWithItsDelay_AndCreatesNoSchedule()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", """{"delay_seconds": 1, "data": {"k": "v"}}""");

        Assert.Equal(202, response.StatusCode);
        var body = TaskApi.Json(response);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("schedule_arn").ValueKind);
        Assert.Equal("scheduled", body.GetProperty("status").GetString());
        Assert.Empty(await api.SchedulesAsync());
        using var sqs = moto.Sqs();
        var received = await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = api.DeliveryQueueUrl, WaitTimeSeconds = 3 });
        var message = Assert.Single(received.Messages);
        using var input = JsonDocument.Parse(message.Body);
        Assert.Equal(body.GetProperty("task_id").GetString(), input.RootElement.GetProperty("task_id").GetString());
        Assert.DoesNotContain("\"k\"", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_DeletesTheScheduleAndEndsTheTask_AndIsHarmlessTwice()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        var taskId = TaskApi.Json(await api.SendAsync("POST", "/api/v1/tasks/schedule", GuideBody)).GetProperty("task_id").GetString();

        var first = await api.SendAsync("DELETE", $"/api/v1/tasks/{taskId}");
        var second = await api.SendAsync("DELETE", $"/api/v1/tasks/{taskId}");

        Assert.Equal(200, first.StatusCode);
        Assert.Equal("cancelled", TaskApi.Json(first).GetProperty("status").GetString());
        Assert.Equal(200, second.StatusCode);
        Assert.Equal("cancelled", TaskApi.Json(second).GetProperty("status").GetString());
        Assert.Null(await api.Scheduler.GetScheduleAsync($"task-{taskId}", api.Group, CancellationToken.None));
        Assert.Equal("cancelled", TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{taskId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_OfAnUnknownTask_Is404()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("DELETE", $"/api/v1/tasks/{TaskIds.New()}");

        Assert.Equal(404, response.StatusCode);
    }

    [Fact]
    public async Task Cancel_OfAFailedTask_Is409WithItsStatus()
    {
        await using var api = await TaskApi.CreateAsync(moto, s => s[SettingNames.ScheduleGroup] = "no-such-group", createGroup: false);
        var failed = TaskApi.Json(await api.SendAsync("POST", "/api/v1/tasks/schedule", GuideBody));

        var response = await api.SendAsync("DELETE", $"/api/v1/tasks/{failed.GetProperty("task_id").GetString()}");

        Assert.Equal(409, response.StatusCode);
        Assert.Equal("failed", TaskApi.Json(response).GetProperty("task_status").GetString());
    }

    [Fact]
    public async Task Schedule_WhenCreateScheduleFails_EndsTheTaskFailedAndAnswers502WithoutASchedule()
    {
        await using var api = await TaskApi.CreateAsync(moto, s => s[SettingNames.ScheduleGroup] = "no-such-group", createGroup: false);

        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", GuideBody);

        Assert.Equal(502, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["content-type"]);
        var problem = TaskApi.Json(response);
        Assert.Equal("failed", problem.GetProperty("task_status").GetString());
        var task = TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{problem.GetProperty("task_id").GetString()}"));
        Assert.Equal("failed", task.GetProperty("status").GetString());
        // moto answers CreateSchedule in a missing group with a bare 500 (retried, then given up); AWS with ResourceNotFoundException.
        Assert.StartsWith("Scheduling failed: ", task.GetProperty("last_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_AfterAFailedSchedulingUnderAKey_TheSameKeySchedulesAnew()
    {
        await using var api = await TaskApi.CreateAsync(moto, s => s[SettingNames.ScheduleGroup] = "group-" + Guid.NewGuid().ToString("N")[..8], createGroup: false);
        var body = """{"delay_minutes": 30, "idempotency_key": "retry-me", "data": {}}""";

        var failed = await api.SendAsync("POST", "/api/v1/tasks/schedule", body);
        await api.Scheduler.EnsureScheduleGroupAsync(api.Group, CancellationToken.None);
        var retried = await api.SendAsync("POST", "/api/v1/tasks/schedule", body);

        Assert.Equal(502, failed.StatusCode);
        Assert.Equal(202, retried.StatusCode);
        Assert.NotEqual(TaskApi.Json(failed).GetProperty("task_id").GetString(), TaskApi.Json(retried).GetProperty("task_id").GetString());
        Assert.Single(await api.SchedulesAsync());
    }

    [Fact]
    public async Task Schedule_WithARepeatedIdempotencyKey_ReturnsTheFirstTaskWithOneSchedule_AndRefusesADifferentRequest()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        var body = """{"delay_seconds": 3600, "idempotency_key": "order-42", "data": {"b": 1, "a": [1, 2]}}""";
        var sameReordered = """{"idempotency_key": "order-42", "data": {"a": [1, 2], "b": 1}, "delay_seconds": 3600}""";

        var first = await api.SendAsync("POST", "/api/v1/tasks/schedule", body);
        var again = await api.SendAsync("POST", "/api/v1/tasks/schedule", sameReordered);
        var different = await api.SendAsync("POST", "/api/v1/tasks/schedule", """{"delay_seconds": 3601, "idempotency_key": "order-42", "data": {}}""");

        Assert.Equal(202, first.StatusCode);
        // A replay answers as the first request did: 202, the same task, the same body, marked as a replay.
        Assert.Equal(202, again.StatusCode);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal("/api/v1/tasks/" + TaskApi.Json(first).GetProperty("task_id").GetString(), first.Headers!["location"]);
        Assert.Equal(first.Headers["location"], again.Headers!["location"]);
        Assert.False(first.Headers.ContainsKey("idempotent-replayed"));
        Assert.Equal("true", again.Headers["idempotent-replayed"]);
        Assert.Equal(422, different.StatusCode);
        Assert.True(TaskApi.Json(different).GetProperty("errors").TryGetProperty("idempotency_key", out _));
        Assert.Single(await api.SchedulesAsync());
    }

    [Fact]
    public async Task Schedule_TakesTheKeyFromTheIdempotencyKeyHeader_AndRefusesOneThatDiffersFromTheBody()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        var body = """{"delay_seconds": 3600, "data": {"n": 1}}""";
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "order-7" };

        var first = await api.SendAsync("POST", "/api/v1/tasks/schedule", body, headers: key);
        var inBody = await api.SendAsync("POST", "/api/v1/tasks/schedule", """{"delay_seconds": 3600, "idempotency_key": "order-7", "data": {"n": 1}}""");
        var mismatch = await api.SendAsync("POST", "/api/v1/tasks/schedule", """{"delay_seconds": 3600, "idempotency_key": "order-8", "data": {"n": 1}}""", headers: key);

        Assert.Equal(202, first.StatusCode);
        Assert.Equal("true", inBody.Headers!["idempotent-replayed"]);
        Assert.Equal(TaskApi.Json(first).GetProperty("task_id").GetString(), TaskApi.Json(inBody).GetProperty("task_id").GetString());
        Assert.Equal(400, mismatch.StatusCode);
        Assert.True(TaskApi.Json(mismatch).GetProperty("errors").TryGetProperty("Idempotency-Key", out _), mismatch.Body);
        Assert.Single(await api.SchedulesAsync());
    }

    [Fact]
    public async Task Schedule_With20RequestsForOneKey_CreatesOneTaskAndOneSchedule()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        var body = """{"delay_minutes": 60, "idempotency_key": "burst", "data": {"n": 1}}""";
        api.Host("ScheduleTaskFunction");

        // One after another on moto: its TransactWriteItems restores a snapshot of the whole table when a transaction
        // fails, so racing transactions there can resurrect or drop each other's items (CI saw two tasks, and none);
        // DynamoDB has no such race. Racing creates with one key are held by
        // TaskStoreContract.RacingCreatesWithOneKey_WriteOneTask_AndTheOthersGetIt (at once on the embedded store).
        var responses = new List<Functions.Hosting.Http.HttpApiResponse>();
        for (var i = 0; i < 20; i++)
        {
            responses.Add(await api.SendAsync("POST", "/api/v1/tasks/schedule", body));
        }

        // Each is the task (202; a repeat marked as a replay), or "in flight" (409, retry) were the first still being written.
        Assert.All(responses, r => Assert.True(r.StatusCode is 202 or 409, r.Body));
        Assert.Single(responses.Where(r => r.StatusCode == 202).Select(r => TaskApi.Json(r).GetProperty("task_id").GetString()).Distinct());
        Assert.Single(responses, r => r.StatusCode == 202 && !r.Headers!.ContainsKey("idempotent-replayed"));
        Assert.Single(await api.SchedulesAsync());

        var listed = TaskApi.Json(await api.SendAsync("GET", "/api/v1/tasks", query: "limit=100"));
        Assert.Single(listed.GetProperty("tasks").EnumerateArray());
    }

    [Fact]
    public async Task List_PagesNewestFirstAcrossTheCursor_ByStatusOrAll()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = await TaskApi.CreateAsync(moto, time: clock);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(TaskApi.Json(await api.SendAsync("POST", "/api/v1/tasks/schedule", "{\"delay_minutes\": " + (10 + i) + ", \"data\": {\"i\": " + i + "}}")).GetProperty("task_id").GetString()!);
            clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        await api.SendAsync("DELETE", $"/api/v1/tasks/{ids[1]}");

        async Task<List<string>> All(string? status)
        {
            var seen = new List<string>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var query = "limit=2" + (status is null ? "" : "&status=" + status) + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                var page = TaskApi.Json(await api.SendAsync("GET", "/api/v1/tasks", query: query));
                seen.AddRange(page.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("task_id").GetString()!));
                cursor = page.GetProperty("next_cursor").GetString();
                Assert.True(++pages <= 5, "the cursor must end");
            }
            while (cursor is not null);
            return seen;
        }

        var all = await All(null);
        var scheduled = await All("scheduled");
        var cancelled = await All("cancelled");

        Assert.Equal(Enumerable.Reverse(ids), all);
        Assert.Equal(Enumerable.Reverse(ids).Where(id => id != ids[1]), scheduled);
        Assert.Equal([ids[1]], cancelled);
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task List_WithABadParameter_Is400NamingIt(string query, string field)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("GET", "/api/v1/tasks", query: query);

        Assert.Equal(400, response.StatusCode);
        Assert.True(TaskApi.Json(response).GetProperty("errors").TryGetProperty(field, out _), response.Body);
    }

    [Fact]
    public async Task List_WithACursorFromAnotherStatus_Is400()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        for (var i = 0; i < 3; i++)
        {
            await api.SendAsync("POST", "/api/v1/tasks/schedule", GuideBody);
        }

        var cursor = TaskApi.Json(await api.SendAsync("GET", "/api/v1/tasks", query: "limit=1&status=scheduled")).GetProperty("next_cursor").GetString()!;
        var response = await api.SendAsync("GET", "/api/v1/tasks", query: "limit=1&cursor=" + Uri.EscapeDataString(cursor));

        Assert.Equal(400, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("")]
    public async Task EveryRoute_WithoutALiveKey_GetsApiGatewaysAnswer_AndChangesNothing(string? token)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var responses = new[]
        {
            await api.SendAsync("POST", "/api/v1/tasks/schedule", GuideBody, token),
            await api.SendAsync("GET", $"/api/v1/tasks/{TaskIds.New()}", token: token),
            await api.SendAsync("DELETE", $"/api/v1/tasks/{TaskIds.New()}", token: token),
            await api.SendAsync("GET", "/api/v1/tasks", token: token),
        };

        // No Authorization header: 401 before the authorizer; a header the authorizer refuses: 403.
        var (status, message) = token is null ? (401, "Unauthorized") : (403, "Forbidden");
        Assert.All(responses, r =>
        {
            Assert.Equal(status, r.StatusCode);
            Assert.Equal("application/json", r.Headers!["content-type"]);
            Assert.Equal($$"""{"message":"{{message}}"}""", r.Body);
        });
        Assert.Empty(await api.SchedulesAsync());
        Assert.Empty(TaskApi.Json(await api.SendAsync("GET", "/api/v1/tasks")).GetProperty("tasks").EnumerateArray());
    }

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("""{"data": {}}""", "delay_minutes")]
    [InlineData("""{"delay_minutes": 1, "delay_seconds": 60, "data": {}}""", "delay_seconds")]
    [InlineData("""{"delay_minutes": -1, "data": {}}""", "delay_minutes")]
    [InlineData("""{"delay_minutes": 525601, "data": {}}""", "delay_minutes")]
    [InlineData("""{"delay_minutes": "thirty", "data": {}}""", "delay_minutes")]
    [InlineData("""{"run_at": "2020-01-01T00:00:00Z", "data": {}}""", "run_at")]
    [InlineData("""{"run_at": "2099-01-01T00:00:00", "data": {}}""", "run_at")]
    [InlineData("""{"delay_minutes": 1, "method": "TRACE", "data": {}}""", "method")]
    [InlineData("""{"delay_minutes": 1, "url": "http://example.com/hook", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "url": "https://169.254.169.254/latest/meta-data", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "url": "https://user:pw@example.com/", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "data": [1, 2]}""", "data")]
    [InlineData("""{"delay_minutes": 1, "data": {}, "headers": {"Host": "evil"}}""", "headers.Host")]
    [InlineData("""{"delay_minutes": 1, "data": {}, "headers": {"webhook-signature": "v1,x"}}""", "headers.webhook-signature")]
    [InlineData("""{"delay_minutes": 1, "data": {}, "max_attempts": 11}""", "max_attempts")]
    [InlineData("""{"delay_minutes": 1, "data": {}, "timeout_seconds": 0}""", "timeout_seconds")]
    [InlineData("""{"delay_minutes": 1, "data": {}, "surprise": true}""", "surprise")]
    [InlineData("""{"delay_minutes": 1, "url": "https://a.example/", "url": "https://127.0.0.1/", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "data": {"amount": 1, "amount": 1000}}""", "data.amount")]
    [InlineData("""{"delay_minutes": 1, "url": "https://example.com/a\r\nX-Injected: 1", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "url": "https://example.com/\t", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "url": "https://example.com/\u0000", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "url": "https://１２７.０.０.１/", "data": {}}""", "url")]
    [InlineData("""{"delay_minutes": 1, "data": {"k": "\ud800"}}""", "data.k")]
    public async Task Schedule_WithBadInput_Is400NamingTheField_AndWritesNothing(string body, string field)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", body);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["content-type"]);
        var errors = TaskApi.Json(response).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors name {string.Join(", ", errors.EnumerateObject().Select(p => p.Name))}, not {field}");
        Assert.Empty(await api.SchedulesAsync());
        Assert.Empty(TaskApi.Json(await api.SendAsync("GET", "/api/v1/tasks")).GetProperty("tasks").EnumerateArray());
    }

    [Fact]
    public async Task Get_OfAnUnknownTask_Is404_AndOfAMalformedId_Is400()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        Assert.Equal(404, (await api.SendAsync("GET", $"/api/v1/tasks/{TaskIds.New()}")).StatusCode);
        Assert.Equal(400, (await api.SendAsync("GET", "/api/v1/tasks/not-an-id")).StatusCode);
    }

    public static TheoryData<string, byte[], string> InvalidUtf8 => new()
    {
        { "a value in data", Utf8WithBytes("""{"delay_minutes": 1, "data": {"k": "AB"}}""", 0xC0, 0xAF), "data.k" },
        { "a key in data", Utf8WithBytes("""{"delay_minutes": 1, "data": {"AB": 1}}""", 0xC0, 0xAF), "data" },
        { "the url", Utf8WithBytes("""{"delay_minutes": 1, "url": "https://AB.example/", "data": {}}""", 0xFF, 0xFE), "url" },
    };

    private static byte[] Utf8WithBytes(string json, params byte[] instead)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var at = json.IndexOf("AB", StringComparison.Ordinal);
        return [.. bytes[..at], .. instead, .. bytes[(at + 2)..]];
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task Schedule_WithInvalidUtf8_Is400NamingTheField_AndWritesNothing(string where, byte[] body, string field)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendBytesAsync("POST", "/api/v1/tasks/schedule", body);

        Assert.True(response.StatusCode == 400, $"{where}: {response.StatusCode} {response.Body}");
        Assert.True(TaskApi.Json(response).GetProperty("errors").TryGetProperty(field, out _), response.Body);
        Assert.Empty(await api.SchedulesAsync());
        Assert.Empty(TaskApi.Json(await api.SendAsync("GET", "/api/v1/tasks")).GetProperty("tasks").EnumerateArray());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Schedule_WithABodyNotSentAsJson_Is415_AndWritesNothing(string? contentType)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", GuideBody, contentType: contentType);

        Assert.Equal(415, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["content-type"]);
        Assert.True(TaskApi.Json(response).GetProperty("errors").TryGetProperty("content-type", out _));
        Assert.Empty(await api.SchedulesAsync());
        Assert.Empty(TaskApi.Json(await api.SendAsync("GET", "/api/v1/tasks")).GetProperty("tasks").EnumerateArray());
    }
}
