using Functions.Testing;
using System.Text.Json;
using System.Text.Json.Nodes;
using Functions.Tests.Support;

namespace Functions.Tests.Integration;

/// <summary>
/// The task functions as Lambda runs them (the managed executable, and the Native AOT bootstrap when built):
/// a process behind the Runtime API double, with the AWS SDK and the Scheduler client talking to moto.
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class TaskProcessTests(MotoServer moto)
{
    public static TheoryData<string> Kinds => FunctionProcess.Kinds();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ScheduleAndGet_WorkThroughTheProcess(string kind)
    {
        await using var api = await TaskApi.CreateAsync(moto);
        await using var runtime = await RuntimeApiDouble.StartAsync();
        var environment = api.Settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);

        string Event(string method, string path, string? body)
        {
            var match = Functions.Hosting.Http.RouteTable.FromCatalog().Match(method, path);
            var @event = JsonNode.Parse(HttpEvents.Create(method, path, body))!.AsObject();
            @event["routeKey"] = match.Function!.Route!.RouteKey;
            @event["headers"]!["authorization"] = "Bearer " + TestSettings.Token;
            return HttpEvents.Allowed(@event.ToJsonString());
        }

        using (var schedule = FunctionProcess.Start(kind, runtime.Address, new Dictionary<string, string>(environment) { ["FUNCTION_HANDLER"] = "ScheduleTaskFunction" }))
        {
            var outcome = await runtime.InvokeAsync(Event("POST", "/api/v1/tasks/schedule", """{"delay_minutes": 30, "data": {"n": 1}}"""));
            Assert.False(outcome.IsError, outcome.Body + schedule.Stdout);
            using var response = JsonDocument.Parse(outcome.Body);
            Assert.Equal(202, response.RootElement.GetProperty("statusCode").GetInt32());
            var taskId = JsonDocument.Parse(response.RootElement.GetProperty("body").GetString()!).RootElement.GetProperty("task_id").GetString();
            Assert.NotNull(await api.Scheduler.GetScheduleAsync($"task-{taskId}", api.Group, CancellationToken.None));
        }

        await using var runtime2 = await RuntimeApiDouble.StartAsync();
        using var list = FunctionProcess.Start(kind, runtime2.Address, new Dictionary<string, string>(environment) { ["FUNCTION_HANDLER"] = "ListTasksFunction" });
        var listed = await runtime2.InvokeAsync(Event("GET", "/api/v1/tasks", null));
        using var page = JsonDocument.Parse(listed.Body);
        Assert.Equal(200, page.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Single(JsonDocument.Parse(page.RootElement.GetProperty("body").GetString()!).RootElement.GetProperty("tasks").EnumerateArray());
    }
}
