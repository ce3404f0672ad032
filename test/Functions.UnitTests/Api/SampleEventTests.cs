using System.Text.Json;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Testing;

namespace Functions.UnitTests.Api;

/// <summary>The sample events in events/ (for sam local invoke) are what their functions accept.</summary>
public sealed class SampleEventTests
{
    [Theory]
    [InlineData("health.json", "HealthFunction")]
    [InlineData("schedule-task.json", "ScheduleTaskFunction")]
    [InlineData("get-task.json", "GetTaskFunction")]
    [InlineData("cancel-task.json", "CancelTaskFunction")]
    [InlineData("list-tasks.json", "ListTasksFunction")]
    [InlineData("task-callback.json", "TaskCallbackFunction")]
    public void AnHttpSampleEvent_IsPayload20_ForItsFunctionsRoute(string file, string function)
    {
        var request = JsonSerializer.Deserialize(Repository.Event(file), FunctionsJsonContext.Default.HttpApiRequest)!;

        Assert.Equal("2.0", request.Version);
        var match = RouteTable.FromCatalog().Match(request.RequestContext!.Http!.Method!, request.RawPath!);
        Assert.Equal(function, match.Function?.Name);
        Assert.Equal(match.Function!.Route!.RouteKey, request.RouteKey);
    }

    [Fact]
    public void TheForwarderSampleEvents_CarryATaskId()
    {
        var input = JsonSerializer.Deserialize(Repository.Event("forwarder-schedule-input.json"), FunctionsJsonContext.Default.WakeUpMessage)!;
        var batch = JsonSerializer.Deserialize(Repository.Event("forwarder-sqs-batch.json"), FunctionsJsonContext.Default.SqsEvent)!;

        Assert.Equal(32, input.TaskId!.Length);
        var body = JsonSerializer.Deserialize(Assert.Single(batch.Records!).Body!, FunctionsJsonContext.Default.WakeUpMessage)!;
        Assert.Equal(input.TaskId, body.TaskId);
    }
}
