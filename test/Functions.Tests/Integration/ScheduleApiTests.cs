using System.Text.Json;
using Functions.Hosting.Http;
using Functions.Tasks;
using Functions.Tests.Support;

namespace Functions.Tests.Integration;

/// <summary>
/// The recurring schedule routes through the functions' entry points and the edge authorizer, against moto_server:
/// 201 with Location, the schedule as GET shows it, its wake-up (a one-time EventBridge schedule carrying only ids),
/// pause, run now, runs, delete, preview, and every refusal as problem+json naming its field.
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class ScheduleApiTests(MotoServer moto)
{
    private const string Report = """{"schedule_expression": "rate(1 hour)", "time_zone": "Asia/Seoul", "name": "hourly-report", "data": {"report": "sales"}, "headers": {"X-Report": "sales"}}""";

    private static JsonElement Json(HttpApiResponse response) => TaskApi.Json(response);

    private static void AssertProblem(HttpApiResponse response, int status, string field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(HttpResults.ProblemContentType, response.Headers!["content-type"]);
        Assert.True(Json(response).GetProperty("errors").TryGetProperty(field, out _), response.Body);
    }

    [Fact]
    public async Task Create_Answers201WithLocation_AndArmsAOneTimeWakeUpForTheFirstOccurrence_CarryingOnlyIds()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        var before = DateTimeOffset.UtcNow;

        var created = await api.SendAsync("POST", "/api/v1/schedules", Report);

        Assert.Equal(201, created.StatusCode);
        var body = Json(created);
        var id = body.GetProperty("schedule_id").GetString()!;
        Assert.Equal($"/api/v1/schedules/{id}", created.Headers!["location"]);
        Assert.Equal(("enabled", "rate(1 hour)", "Asia/Seoul", "hourly-report", "latest", "allow"), (
            body.GetProperty("state").GetString(), body.GetProperty("schedule_expression").GetString(), body.GetProperty("time_zone").GetString(),
            body.GetProperty("name").GetString(), body.GetProperty("catch_up").GetString(), body.GetProperty("overlap").GetString()));
        var next = body.GetProperty("next_runs").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Equal(5, next.Count);
        Assert.All(next, r => Assert.EndsWith("+09:00", r, StringComparison.Ordinal));
        var first = DateTimeOffset.Parse(next[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(first, before.AddHours(1).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(first.AddHours(1), DateTimeOffset.Parse(next[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("last_run").ValueKind);

        var read = await api.SendAsync("GET", $"/api/v1/schedules/{id}");
        Assert.Equal(200, read.StatusCode);
        Assert.Equal(body.GetProperty("next_runs").GetRawText(), Json(read).GetProperty("next_runs").GetRawText());

        // An hour away: an EventBridge one-time schedule two minutes early, whose Input names the schedule and the occurrence only.
        var wakeUp = await api.Scheduler.GetScheduleAsync($"sched-{id}-{first.ToUnixTimeSeconds()}", api.Group, CancellationToken.None);
        Assert.NotNull(wakeUp);
        using var input = JsonDocument.Parse(wakeUp.Target!.Input!);
        Assert.Equal(id, input.RootElement.GetProperty("schedule_id").GetString());
        Assert.Equal(Timestamps.Format(first), input.RootElement.GetProperty("occurrence").GetString());
        Assert.DoesNotContain("sales", wakeUp.Target.Input, StringComparison.Ordinal);
        Assert.Equal("DELETE", wakeUp.ActionAfterCompletion);
    }

    [Fact]
    public async Task PauseRunNowRunsAndDelete_BehaveAsTheirRoutesSay()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        var id = Json(await api.SendAsync("POST", "/api/v1/schedules", Report)).GetProperty("schedule_id").GetString()!;

        var paused = await api.SendAsync("PATCH", $"/api/v1/schedules/{id}", """{"state": "paused"}""");
        Assert.Equal(200, paused.StatusCode);
        Assert.Equal("paused", Json(paused).GetProperty("state").GetString());
        Assert.Empty(Json(paused).GetProperty("next_runs").EnumerateArray());
        Assert.Empty(await api.SchedulesAsync("sched-"));

        var ran = await api.SendAsync("POST", $"/api/v1/schedules/{id}/run");
        Assert.Equal(202, ran.StatusCode);
        var run = Json(ran);
        var runId = run.GetProperty("task_id").GetString()!;
        Assert.Equal($"/api/v1/tasks/{runId}", ran.Headers!["location"]);
        Assert.Equal(id, run.GetProperty("schedule_id").GetString());
        Assert.Equal(run.GetProperty("run_at").GetString(), run.GetProperty("occurrence").GetString());

        var runs = Json(await api.SendAsync("GET", $"/api/v1/schedules/{id}/runs"));
        Assert.Equal(runId, Assert.Single(runs.GetProperty("runs").EnumerateArray()).GetProperty("task_id").GetString());
        Assert.Equal(JsonValueKind.Null, runs.GetProperty("next_cursor").ValueKind);
        Assert.Equal(id, Json(await api.SendAsync("GET", $"/api/v1/tasks/{runId}")).GetProperty("schedule_id").GetString());
        Assert.Equal(runId, Json(await api.SendAsync("GET", $"/api/v1/schedules/{id}")).GetProperty("last_run").GetProperty("task_id").GetString());

        var resumed = Json(await api.SendAsync("PATCH", $"/api/v1/schedules/{id}", """{"state": "enabled", "schedule_expression": "cron(0 9 ? * MON-FRI *)"}"""));
        Assert.Equal(("enabled", "cron(0 9 ? * MON-FRI *)"), (resumed.GetProperty("state").GetString(), resumed.GetProperty("schedule_expression").GetString()));
        Assert.All(resumed.GetProperty("next_runs").EnumerateArray(), r => Assert.Contains("T09:00:00+09:00", r.GetString()!, StringComparison.Ordinal));

        Assert.Equal(204, (await api.SendAsync("DELETE", $"/api/v1/schedules/{id}")).StatusCode);
        Assert.Equal(404, (await api.SendAsync("GET", $"/api/v1/schedules/{id}")).StatusCode);
        Assert.Equal(404, (await api.SendAsync("DELETE", $"/api/v1/schedules/{id}")).StatusCode);
        Assert.Equal(404, (await api.SendAsync("GET", $"/api/v1/schedules/{id}/runs")).StatusCode);
        // The run made before is a task of its own and stays.
        Assert.Equal(200, (await api.SendAsync("GET", $"/api/v1/tasks/{runId}")).StatusCode);
    }

    [Fact]
    public async Task Preview_ShowsTheNextOccurrences_AndIsNotTakenForAScheduleId()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("GET", "/api/v1/schedules/preview", query: "schedule_expression=cron(30 2 * * ? *)&time_zone=America/New_York&start_at=2027-03-12T00:00:00Z&count=4");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            ["2027-03-12T02:30:00-05:00", "2027-03-13T02:30:00-05:00", "2027-03-15T02:30:00-04:00", "2027-03-16T02:30:00-04:00"],
            Json(response).GetProperty("next_runs").EnumerateArray().Select(r => r.GetString()));
        AssertProblem(await api.SendAsync("GET", "/api/v1/schedules/preview", query: "schedule_expression=cron(0 9 * * * *)"), 400, "schedule_expression");
        AssertProblem(await api.SendAsync("GET", "/api/v1/schedules/preview", query: "schedule_expression=rate(1 hour)&time_zone=Nowhere/City"), 400, "time_zone");
        AssertProblem(await api.SendAsync("GET", "/api/v1/schedules/preview", query: "schedule_expression=rate(1 hour)&count=51"), 400, "count");
    }

    [Theory]
    [InlineData("""{"schedule_expression": "cron(0 9 ? * MON-FRI)"}""", "schedule_expression")]
    [InlineData("""{"schedule_expression": "rate(0 minutes)"}""", "schedule_expression")]
    [InlineData("""{"schedule_expression": "cron(0 9 ? * MON-FRI *)", "time_zone": "KST"}""", "time_zone")]
    [InlineData("""{"schedule_expression": "rate(1 hour)", "start_at": "2027-01-01 09:00"}""", "start_at")]
    [InlineData("""{"schedule_expression": "rate(1 hour)", "url": "http://169.254.169.254/latest"}""", "url")]
    [InlineData("""{"schedule_expression": "rate(1 hour)", "every": "day"}""", "every")]
    public async Task ABadCreate_Is400NamingTheField_AndCreatesNothing(string body, string field)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        AssertProblem(await api.SendAsync("POST", "/api/v1/schedules", body), 400, field);

        Assert.Empty(Json(await api.SendAsync("GET", "/api/v1/schedules")).GetProperty("schedules").EnumerateArray());
        Assert.Empty(await api.SchedulesAsync());
    }

    [Fact]
    public async Task AnotherCallersSchedule_Is404_AndTheirListsAreTheirOwn()
    {
        await using var api = await TaskApi.CreateAsync(moto);
        var id = Json(await api.SendAsync("POST", "/api/v1/schedules", Report)).GetProperty("schedule_id").GetString()!;
        var key = Json(await api.SendAsync("POST", "/api/v1/keys", """{"caller": "billing"}""")).GetProperty("key").GetString()!;

        Assert.Equal(404, (await api.SendAsync("GET", $"/api/v1/schedules/{id}", token: key)).StatusCode);
        Assert.Equal(404, (await api.SendAsync("PATCH", $"/api/v1/schedules/{id}", """{"state": "paused"}""", token: key)).StatusCode);
        Assert.Equal(404, (await api.SendAsync("POST", $"/api/v1/schedules/{id}/run", token: key)).StatusCode);
        Assert.Equal(404, (await api.SendAsync("DELETE", $"/api/v1/schedules/{id}", token: key)).StatusCode);
        Assert.Empty(Json(await api.SendAsync("GET", "/api/v1/schedules", token: key)).GetProperty("schedules").EnumerateArray());
        Assert.Equal(403, (await api.SendAsync("GET", "/api/v1/schedules", token: key, query: "caller=admin")).StatusCode);
        Assert.Equal("enabled", Json(await api.SendAsync("GET", $"/api/v1/schedules/{id}")).GetProperty("state").GetString());
    }
}
