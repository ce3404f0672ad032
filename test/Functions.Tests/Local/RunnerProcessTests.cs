using Functions.Testing;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Functions.Tests.Support;

namespace Functions.Tests.Local;

/// <summary>
/// The local runner as a process, in both modes: embedded (SQLite under a data folder) and --aws-endpoint
/// against moto_server. Deliveries go to a real HTTP target on 127.0.0.1.
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class RunnerProcessTests(MotoServer moto)
{
    public static TheoryData<string> Modes => new() { "embedded", "aws" };

    private sealed class Session(MotoServer moto, string mode) : IAsyncDisposable
    {
        private readonly string _data = Path.Combine(Path.GetTempPath(), "runner-" + Guid.NewGuid().ToString("N"));
        private readonly int _port = RunnerProcess.FreePort();
        private readonly string _name = "runner-" + Guid.NewGuid().ToString("N")[..10];

        public RunnerProcess? Runner { get; private set; }

        public HttpClient Http { get; } = new();

        public async Task StartAsync()
        {
            Runner = await RunnerProcess.StartAsync(_port, _data, mode == "aws" ? moto.Endpoint : null, new Dictionary<string, string>
            {
                ["TASKS_API_TOKEN"] = TestSettings.Token,
                ["WEBHOOK_SIGNING_SECRET"] = TestSettings.SigningSecret,
                ["ALLOWED_TARGET_HOSTS"] = "127.0.0.1",
                ["RETRY_BASE_SECONDS"] = "1",
                ["RETRY_CAP_SECONDS"] = "1",
                ["TASKS_TABLE_NAME"] = _name,
                ["SCHEDULE_GROUP_NAME"] = _name,
            });
            if (Http.BaseAddress is null)
            {
                // Restarts keep the port, so one client serves every run.
                Http.BaseAddress = new Uri(Runner.Url);
                Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestSettings.Token);
            }
        }

        public async Task RestartAsync()
        {
            await Runner!.StopAsync();
            await Runner.DisposeAsync();
            await StartAsync();
        }

        public async Task<(string Id, DateTimeOffset RunAt)> ScheduleAsync(string url, int delaySeconds)
        {
            using var response = await Http.PostAsync("/api/v1/tasks/schedule", new StringContent($$$"""{"delay_seconds": {{{delaySeconds}}}, "url": "{{{url}}}", "data": {"order": 7}}""", Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, body);
            using var json = JsonDocument.Parse(body);
            return (json.RootElement.GetProperty("task_id").GetString()!, DateTimeOffset.Parse(json.RootElement.GetProperty("run_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }

        public async Task<JsonElement> TaskAsync(string id) => (await Http.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}"));

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (Runner is not null)
            {
                await Runner.DisposeAsync();
            }

            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Issue 11's process test, in both modes at once (each has its own runner, data and target): a schedule firing
    /// every minute, made before a restart of the runner, delivers its next two occurrences each within one second
    /// of its minute, as the runs its API lists; paused, it delivers nothing at the next minute (a one-time sentinel
    /// due after that minute proves the time has passed).
    /// </summary>
    [Fact]
    public async Task AScheduleEveryMinute_DeliversTwoRunsWithinASecondOfTheirMinute_ThenPausedDeliversNone()
    {
        await Task.WhenAll(EveryMinuteAsync("embedded"), EveryMinuteAsync("aws"));
    }

    private async Task EveryMinuteAsync(string mode)
    {
        await using var target = await TargetServer.StartAsync();
        await using var session = new Session(moto, mode);
        await session.StartAsync();
        using var created = await session.Http.PostAsync("/api/v1/schedules", new StringContent($$$"""{"schedule_expression": "cron(* * * * ? *)", "url": "{{{target.BaseUrl}}}/minute", "data": {"report": "m"}}""", Encoding.UTF8, "application/json"));
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, $"{mode}: {body}");
        using var schedule = JsonDocument.Parse(body);
        var id = schedule.RootElement.GetProperty("schedule_id").GetString()!;
        var first = DateTimeOffset.Parse(schedule.RootElement.GetProperty("next_runs")[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        // The chain outlives the runner: its first wake-up was armed before the restart.
        await session.RestartAsync();
        await Poll.UntilAsync(() => target.Hits.Count >= 2, TimeSpan.FromSeconds(150), $"{mode}: two runs");
        using var paused = await session.Http.PatchAsync($"/api/v1/schedules/{id}", new StringContent("""{"state": "paused"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, paused.StatusCode);

        var hits = target.Hits.ToList();
        Assert.Equal(2, hits.Count);
        for (var i = 0; i < 2; i++)
        {
            var minute = first.AddMinutes(i);
            Assert.True(hits[i].At - minute >= TimeSpan.FromMilliseconds(-20) && hits[i].At - minute <= TimeSpan.FromSeconds(1), $"{mode}: run {i + 1} at {hits[i].At:O} for {minute:O}");
        }

        var runs = await session.Http.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{id}/runs");
        var listed = runs.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(hits.Select(h => h.Headers["webhook-id"]).Reverse(), listed.Select(r => r.GetProperty("task_id").GetString()));
        Assert.All(listed, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(
            [first.AddMinutes(1), first],
            listed.Select(r => DateTimeOffset.Parse(r.GetProperty("occurrence").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));

        // Paused: the next minute passes with no run. The sentinel is due two seconds after it.
        var nextMinute = first.AddMinutes(2);
        var (sentinel, _) = await session.ScheduleAsync(target.BaseUrl + "/sentinel", (int)Math.Ceiling((nextMinute - DateTimeOffset.UtcNow).TotalSeconds) + 2);
        await Poll.UntilAsync(async () => await StatusAsync(session, sentinel) == "succeeded", TimeSpan.FromSeconds(90), $"{mode}: the sentinel delivered");
        Assert.Equal(["/minute", "/minute", "/sentinel"], target.Hits.Select(h => h.Path));
        Assert.Equal("paused", (await session.Http.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{id}")).GetProperty("state").GetString());
    }

    private static async Task<string?> StatusAsync(Session session, string id) =>
        (await session.TaskAsync(id)).GetProperty("status").GetString();

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ADelivery_ArrivesSignedWithinOneSecondOfRunAt(string mode)
    {
        await using var target = await TargetServer.StartAsync();
        await using var session = new Session(moto, mode);
        await session.StartAsync();

        var (id, runAt) = await session.ScheduleAsync(target.BaseUrl + "/due", 2);
        await Poll.UntilAsync(() => !target.Hits.IsEmpty, TimeSpan.FromSeconds(15), "the delivery");
        await Poll.UntilAsync(async () => await StatusAsync(session, id) == "succeeded", TimeSpan.FromSeconds(10), "the task recorded succeeded");

        var hit = Assert.Single(target.Hits);
        Assert.InRange(hit.At - runAt, TimeSpan.FromMilliseconds(-20), TimeSpan.FromSeconds(1));
        Assert.Equal(Signatures.Expected(TestSettings.SigningSecret, hit.Headers["webhook-id"], hit.Headers["webhook-timestamp"], hit.Body), hit.Headers["webhook-signature"]);
        // The delivery's metrics: valid EMF lines on the runner's output, with how late it was called.
        await Poll.UntilAsync(() => MetricLines(session.Runner!).Any(l => l.TryGetProperty("Deliveries", out _)), TimeSpan.FromSeconds(5), "the delivery's EMF line");
        var metrics = MetricLines(session.Runner!);
        Assert.All(metrics, l => Assert.Empty(EmfSpec.Problems(l)));
        var delivery = Assert.Single(metrics, l => l.TryGetProperty("Deliveries", out _) && l.GetProperty("task_id").GetString() == id);
        Assert.Equal("succeeded", delivery.GetProperty("Outcome").GetString());
        Assert.Equal("ForwarderFunction", delivery.GetProperty("Function").GetString());
        Assert.InRange(delivery.GetProperty("DeliveryLatenessMs").GetDouble(), 0, 1000);
        Assert.Contains(metrics, l => l.TryGetProperty("TasksScheduled", out _) && l.GetProperty("task_id").GetString() == id);
    }

    private static List<JsonElement> MetricLines(RunnerProcess runner) =>
    [
        .. runner.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{') && l.Contains("\"_aws\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()),
    ];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ACancelledTask_NeverArrives(string mode)
    {
        await using var target = await TargetServer.StartAsync();
        await using var session = new Session(moto, mode);
        await session.StartAsync();

        var (id, _) = await session.ScheduleAsync(target.BaseUrl + "/cancelled", 2);
        using var cancel = await session.Http.DeleteAsync($"/api/v1/tasks/{id}");
        // A sentinel due no earlier than the cancelled task: once it has arrived, the cancelled one's time has passed too.
        var (sentinel, _) = await session.ScheduleAsync(target.BaseUrl + "/sentinel", 2);
        await Poll.UntilAsync(async () => await StatusAsync(session, sentinel) == "succeeded", TimeSpan.FromSeconds(15), "the sentinel delivered");

        Assert.Equal(System.Net.HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("/sentinel", Assert.Single(target.Hits).Path);
        Assert.Equal("cancelled", (await session.TaskAsync(id)).GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AFailingTarget_IsRetried_WithItsAttemptsCounted(string mode)
    {
        await using var target = await TargetServer.StartAsync();
        target.Then(500);
        target.Then(503);
        await using var session = new Session(moto, mode);
        await session.StartAsync();

        var (id, _) = await session.ScheduleAsync(target.BaseUrl + "/flaky", 1);
        await Poll.UntilAsync(async () => await StatusAsync(session, id) == "succeeded", TimeSpan.FromSeconds(20), "the third attempt succeeded");

        // Succeeded is final: no wake-up can claim another attempt, so the count is complete.
        Assert.Equal(3, target.Hits.Count);
        Assert.Equal(3, (await session.TaskAsync(id)).GetProperty("attempts").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task StoppedBetweenSchedulingAndFiring_TheTaskStillArrivesExactlyOnceAfterARestart(string mode)
    {
        await using var target = await TargetServer.StartAsync();
        await using var session = new Session(moto, mode);
        await session.StartAsync();

        var (id, runAt) = await session.ScheduleAsync(target.BaseUrl + "/survives", 3);
        await session.Runner!.StopAsync();
        await Poll.PastAsync(runAt + TimeSpan.FromSeconds(1));
        Assert.Empty(target.Hits);
        await session.RestartAsync();
        await Poll.UntilAsync(async () => await StatusAsync(session, id) == "succeeded", TimeSpan.FromSeconds(15), "the task delivered after the restart");

        // Succeeded is final: a second wake-up finds nothing to claim, so one request is the whole count.
        Assert.Single(target.Hits);
    }
}
