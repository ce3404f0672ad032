using System.Net.Http.Json;
using System.Security.Cryptography;
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
                ["TASKS_API_TOKEN"] = TaskApi.Token,
                ["WEBHOOK_SIGNING_SECRET"] = TaskApi.SigningSecret,
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
                Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TaskApi.Token);
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

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline && !condition(); await Task.Delay(50))
        {
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ADelivery_ArrivesSignedWithinOneSecondOfRunAt(string mode)
    {
        await using var target = await TargetServer.StartAsync();
        await using var session = new Session(moto, mode);
        await session.StartAsync();

        var (id, runAt) = await session.ScheduleAsync(target.BaseUrl + "/due", 2);
        await WaitUntilAsync(() => !target.Hits.IsEmpty, TimeSpan.FromSeconds(15));

        var hit = Assert.Single(target.Hits);
        Assert.InRange(hit.At - runAt, TimeSpan.FromMilliseconds(-20), TimeSpan.FromSeconds(1));
        var key = Convert.FromBase64String(TaskApi.SigningSecret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{hit.Headers["webhook-id"]}.{hit.Headers["webhook-timestamp"]}.").Concat(hit.Body).ToArray()));
        Assert.Equal(expected, hit.Headers["webhook-signature"]);
        await WaitUntilAsync(() => false, TimeSpan.FromMilliseconds(300));
        Assert.Equal("succeeded", (await session.TaskAsync(id)).GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ACancelledTask_NeverArrives(string mode)
    {
        await using var target = await TargetServer.StartAsync();
        await using var session = new Session(moto, mode);
        await session.StartAsync();

        var (id, _) = await session.ScheduleAsync(target.BaseUrl + "/cancelled", 2);
        using var cancel = await session.Http.DeleteAsync($"/api/v1/tasks/{id}");
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Equal(System.Net.HttpStatusCode.OK, cancel.StatusCode);
        Assert.Empty(target.Hits);
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
        await WaitUntilAsync(() => target.Hits.Count >= 3, TimeSpan.FromSeconds(20));
        await Task.Delay(500);

        Assert.Equal(3, target.Hits.Count);
        var task = await session.TaskAsync(id);
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal(3, task.GetProperty("attempts").GetInt32());
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
        await Task.Delay(runAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        Assert.Empty(target.Hits);
        await session.RestartAsync();
        await WaitUntilAsync(() => !target.Hits.IsEmpty, TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Single(target.Hits);
        Assert.Equal("succeeded", (await session.TaskAsync(id)).GetProperty("status").GetString());
    }
}
