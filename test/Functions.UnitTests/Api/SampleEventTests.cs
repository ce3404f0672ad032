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
    [InlineData("not-found.json", "NotFoundFunction")]
    [InlineData("create-schedule.json", "CreateScheduleFunction")]
    [InlineData("get-schedule.json", "GetScheduleFunction")]
    [InlineData("list-schedules.json", "ListSchedulesFunction")]
    [InlineData("pause-schedule.json", "UpdateScheduleFunction")]
    [InlineData("delete-schedule.json", "DeleteScheduleFunction")]
    [InlineData("list-schedule-runs.json", "ListScheduleRunsFunction")]
    [InlineData("run-schedule.json", "RunScheduleFunction")]
    [InlineData("preview-schedule.json", "PreviewScheduleFunction")]
    [InlineData("retry-task.json", "RetryTaskFunction")]
    [InlineData("list-dead-letters.json", "ListDeadLettersFunction")]
    [InlineData("redrive-dead-letters.json", "RedriveDeadLettersFunction")]
    [InlineData("get-openapi.json", "OpenApiFunction")]
    [InlineData("console.json", "ConsolePageFunction")]
    public void AnHttpSampleEvent_IsPayload20_ForItsFunctionsRoute(string file, string function)
    {
        var request = JsonSerializer.Deserialize(Repository.Event(file), FunctionsJsonContext.Default.HttpApiRequest)!;

        Assert.Equal("2.0", request.Version);
        var match = RouteTable.FromCatalog().Match(request.RequestContext!.Http!.Method!, request.RawPath!);
        Assert.Equal(function, match.Function?.Name);
        Assert.Equal(match.Function!.Route!.RouteKey, request.RouteKey);
        // A keyed route's event is what API Gateway hands on after the authorizer allowed it.
        Assert.Equal(match.Function.RequiresApiToken, AuthorizerContext.CallerOf(request) is not null);
    }

    [Fact]
    public void TheAuthorizerSampleEvent_IsARequestAuthorizerEvent_WithTheAuthorizationHeader()
    {
        var request = JsonSerializer.Deserialize(Repository.Event("authorizer.json"), FunctionsJsonContext.Default.HttpApiAuthorizerRequest)!;

        Assert.Equal(("2.0", "REQUEST"), (request.Version, request.Type));
        Assert.Equal("Bearer <your API token>", request.Authorization);
        Assert.Equal(request.Authorization, Assert.Single(request.IdentitySource!));
        Assert.True(RouteTable.FromCatalog().Match("GET", request.RawPath!).Function!.RequiresApiToken);
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

    [Fact]
    public void TheScheduleOccurrenceSampleEvent_NamesAScheduleAndAnOccurrence()
    {
        var input = JsonSerializer.Deserialize(Repository.Event("forwarder-schedule-occurrence.json"), FunctionsJsonContext.Default.WakeUpMessage)!;

        Assert.True(input.IsComplete);
        Assert.Null(input.TaskId);
        Assert.True(Functions.Tasks.TaskIds.IsValid(input.ScheduleId));
        Assert.Equal(System.DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Functions.Tasks.Timestamps.Parse(input.Occurrence!));
    }
}
